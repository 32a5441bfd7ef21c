// tsc keeps the source tree under the app's outDir (libs are compiled alongside the app),
// so each app gets a stable entry point: dist/apps/<app>/main.js. The second argument names the
// compiled main module when it is not the usual src/main.js (the admin UI's server); the third
// names the dist directory when it is not the app's (a release build of the worker, e.g.
// dist/apps/projector-worker-car-view-v1).
// An app with a src/migrate.ts also gets dist/apps/<app>/migrate.js: migrations only, then exit.
import { existsSync, writeFileSync } from 'node:fs';
const [app, main = 'src/main.js', dist = app] = process.argv.slice(2);
writeFileSync(`dist/apps/${dist}/main.js`, `require('./apps/${app}/${main}');\n`);
if (existsSync(`dist/apps/${dist}/apps/${app}/src/migrate.js`)) {
  writeFileSync(`dist/apps/${dist}/migrate.js`, `require('./apps/${app}/src/migrate.js');\n`);
}
