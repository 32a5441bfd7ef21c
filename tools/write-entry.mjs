// tsc keeps the source tree under the app's outDir (libs are compiled alongside the app),
// so each app gets a stable entry point: dist/apps/<app>/main.js. The second argument names the
// compiled main module when it is not the usual src/main.js (the admin UI's server).
import { writeFileSync } from 'node:fs';
const [app, main = 'src/main.js'] = process.argv.slice(2);
writeFileSync(`dist/apps/${app}/main.js`, `require('./apps/${app}/${main}');\n`);
