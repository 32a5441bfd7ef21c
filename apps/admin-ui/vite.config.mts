import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
// `nx run admin-ui:serve` forwards the API to the gateway, as the production server does.
const gateway = process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root,
  base: '/',
  build: { outDir: fileURLToPath(new URL('../../dist/apps/admin-ui/public', import.meta.url)), emptyOutDir: true, sourcemap: true },
  server: { port: 4200, proxy: { '/api': gateway, '/docs': gateway } },
});
