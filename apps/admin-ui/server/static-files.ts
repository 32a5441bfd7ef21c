import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt']);

export interface StaticFile {
  readonly type: string;
  readonly body: Buffer;
  readonly gzipped: Buffer | undefined;
  /** Vite names built assets by their content hash: they never change, so browsers may keep them. */
  readonly immutable: boolean;
}

/**
 * The built UI, read and compressed once at start: a few files of a few hundred kB, so serving
 * them from memory costs nothing and no request touches the disk or a path from the URL.
 */
export function loadStaticFiles(root: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const ext = extname(name);
        const body = readFileSync(path);
        const urlPath = '/' + relative(root, path).split(sep).join('/');
        files.set(urlPath, {
          type: TYPES[ext] ?? 'application/octet-stream',
          body,
          gzipped: COMPRESSIBLE.has(ext) ? gzipSync(body, { level: 9 }) : undefined,
          immutable: urlPath.startsWith('/assets/'),
        });
      }
    }
  };
  walk(root);
  if (!files.has('/index.html')) throw new Error(`no index.html in ${root}: build the admin UI first (npx nx run admin-ui:build)`);
  return files;
}
