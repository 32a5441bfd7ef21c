// Writes dist/apps/<app>/package.json with only the production dependencies the app loads, so
// its image installs those and nothing else (docker/Dockerfile). The app's compiled modules are
// followed from its entry files (main.js, migrate.js) through their static require() calls;
// every package they require must be a production dependency of the root package.json, at the
// version range declared there (the root package-lock.json then pins it, as for the workspace).
//
//   node tools/app-package.mjs <app>     (after `nx run <app>:build`)
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/**
 * Packages loaded by name at run time rather than by a require() in our code: NestFactory loads
 * the HTTP adapter (@nestjs/platform-express) itself.
 */
const LOADED_BY = { '@nestjs/core': ['@nestjs/platform-express'] };

const [app] = process.argv.slice(2);
if (!app) {
  console.error('usage: node tools/app-package.mjs <app>');
  process.exit(2);
}
const root = resolve(import.meta.dirname, '..');
const out = join(root, 'dist/apps', app);
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function resolveFile(path) {
  for (const candidate of [path, `${path}.js`, join(path, 'index.js')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${path} is required but not in the build output`);
}

const packageOf = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

const packages = new Set();
const seen = new Set();
const queue = ['main.js', 'migrate.js'].map((entry) => join(out, entry)).filter((entry) => existsSync(entry));
if (queue.length === 0) throw new Error(`${out}/main.js is missing: build the app first (nx run ${app}:build)`);
while (queue.length > 0) {
  const file = queue.pop();
  if (seen.has(file)) continue;
  seen.add(file);
  for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
    if (specifier.startsWith('.') || specifier.startsWith('/')) queue.push(resolveFile(resolve(dirname(file), specifier)));
    else if (!builtins.has(specifier) && !builtins.has(specifier.split('/')[0])) packages.add(packageOf(specifier));
  }
}
for (const [pkg, loaded] of Object.entries(LOADED_BY)) if (packages.has(pkg)) loaded.forEach((p) => packages.add(p));

const missing = [...packages].filter((p) => !rootPackage.dependencies?.[p]);
if (missing.length > 0) {
  console.error(`${app} loads ${missing.join(', ')}, which package.json does not list under dependencies`);
  process.exit(1);
}
const manifest = {
  name: `@projectionist/${app}`,
  version: rootPackage.version,
  private: true,
  license: rootPackage.license,
  engines: rootPackage.engines,
  dependencies: Object.fromEntries([...packages].sort().map((p) => [p, rootPackage.dependencies[p]])),
  ...(rootPackage.overrides ? { overrides: rootPackage.overrides } : {}),
};
writeFileSync(join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`${app}: ${Object.keys(manifest.dependencies).join(', ')} (${seen.size} modules)`);
