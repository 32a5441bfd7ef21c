// Fails when the modules of one project import each other in a circle (type-only imports
// excepted: they vanish at run time). Module boundaries between projects are Nx's; this is the
// check inside each one. Run by `npm run lint`.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const root = dirname(dirname(new URL(import.meta.url).pathname));
const isSource = (f) => /\.tsx?$/.test(f) && !/\.(spec|d)\.tsx?$/.test(f);

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(path);
    return isSource(e.name) ? [normalize(path)] : [];
  });
}

function resolve(from, spec, known) {
  const base = normalize(join(dirname(from), spec));
  return [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')].find((c) => known.has(c));
}

/** Strongly connected components of more than one module (Tarjan). */
function circles(graph) {
  const index = new Map(), low = new Map(), stack = [], onStack = new Set(), found = [];
  let next = 0;
  const visit = (v) => {
    index.set(v, next); low.set(v, next); next++; stack.push(v); onStack.add(v);
    for (const w of graph.get(v)) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do { w = stack.pop(); onStack.delete(w); component.push(w); } while (w !== v);
      if (component.length > 1) found.push(component);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const importPattern = /^(?:import|export)\s+(?!type\b)[^;]*?from\s+'(\.[^']*)'/gm;
let failed = 0;
for (const floor of ['apps', 'libs']) {
  for (const project of readdirSync(join(root, floor))) {
    const src = join(root, floor, project, 'src');
    if (!existsSync(src)) continue;
    const files = sources(src);
    const known = new Set(files);
    const graph = new Map(files.map((f) => [f, [...readFileSync(f, 'utf8').matchAll(importPattern)].map((m) => resolve(f, m[1], known)).filter(Boolean)]));
    for (const circle of circles(graph)) {
      failed++;
      console.error(`${floor}/${project}: modules import each other in a circle: ${circle.map((f) => relative(root, f)).join(' ↔ ')}`);
    }
  }
}
if (failed > 0) process.exit(1);
console.log('No import circles inside any project.');
