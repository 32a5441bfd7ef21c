// tsc keeps the source tree under the app's outDir (libs are compiled alongside the app),
// so each app gets a stable entry point: dist/apps/<app>/main.js. The second argument names the
// compiled main module when it is not the usual src/main.js (the admin UI's server).
// An app with a src/migrate.ts also gets dist/apps/<app>/migrate.js: migrations only, then exit.
import { existsSync, writeFileSync } from 'node:fs';
const [app, main = 'src/main.js'] = process.argv.slice(2);
writeFileSync(`dist/apps/${app}/main.js`, `require('./apps/${app}/${main}');\n`);
if (existsSync(`dist/apps/${app}/apps/${app}/src/migrate.js`)) {
  writeFileSync(`dist/apps/${app}/migrate.js`, `require('./apps/${app}/src/migrate.js');\n`);
}
