// tsc keeps the source tree under the app's outDir (libs are compiled alongside the app),
// so each app gets a stable entry point: dist/apps/<app>/main.js.
import { writeFileSync } from 'node:fs';
const app = process.argv[2];
writeFileSync(`dist/apps/${app}/main.js`, `require('./apps/${app}/src/main.js');\n`);
