/**
 * docker/Dockerfile's runtime choices, checked statically: a maintained Node LTS that
 * package.json's engines accept, type definitions of the oldest Node the engines accept, and
 * each image installing only its own app's production dependencies.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findStage, parseDockerfile, splitFlags } from './dockerfile';

const ROOT = resolve(__dirname, '../..');
/** Maintained Node LTS lines as of 2026-12 (20 left maintenance on 2026-04-30). */
const MAINTAINED_LTS = [22, 24];

const text = readFileSync(join(ROOT, 'docker/Dockerfile'), 'utf8');
const file = parseDockerfile(text);
const rootPackage = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
/** The lowest major of an engines range such as `>=20.19` or `^20.19.0 || >=22.12.0`. */
const lowestMajor = (range: string) => Math.min(...[...range.matchAll(/(\d+)\.\d+/g)].map((m) => Number(m[1])));
const accepts = (range: string, major: number) =>
  range.split('||').some((part) => {
    const [, op, min] = /^\s*(>=|\^)?\s*(\d+)/.exec(part) ?? [];
    return op === '>=' ? major >= Number(min) : major === Number(min);
  });

describe('docker/Dockerfile: runtime', () => {
  const imageArg = /^ARG NODE_IMAGE=(\S+)$/m.exec(text)?.[1] ?? '';
  const major = Number(/^node:(\d+)-/.exec(imageArg)?.[1]);

  it('builds and runs every stage on a maintained Node LTS', () => {
    expect(MAINTAINED_LTS).toContain(major);
    for (const stage of file.stages) {
      if (findStage(file.stages.slice(0, stage.index), stage.base)) continue; // built on an earlier stage
      expect({ stage: stage.name, base: stage.base.replace('${NODE_IMAGE}', imageArg) }).toEqual({ stage: stage.name, base: imageArg });
    }
  });

  it("is a Node that package.json's engines accept, as is Node 20 (development machines)", () => {
    expect(accepts(rootPackage.engines.node, major)).toBe(true);
    expect(accepts(rootPackage.engines.node, 20)).toBe(true);
  });

  it('type-checks against the oldest Node the engines accept, so no newer API slips in', () => {
    const types = rootPackage.devDependencies['@types/node'] as string;
    expect(Number(/(\d+)\./.exec(types)?.[1])).toBe(lowestMajor(rootPackage.engines.node));
  });
});

describe("docker/Dockerfile: each image holds only its app's production dependencies", () => {
  const stage = (name: string) => file.stages.find((s) => s.name === name)!;

  it("writes the app's own package.json after its build", () => {
    const runs = stage('build').instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs.some((r) => /nx run \$\{APP\}:build && node tools\/app-package\.mjs \$\{APP\}$/.test(r))).toBe(true);
  });

  it('installs, without dev dependencies, from that package.json and the root lockfile', () => {
    const prodDeps = stage('prod-deps').instructions;
    const copies = prodDeps.filter((i) => i.keyword === 'COPY').map((i) => splitFlags(i.args));
    expect(copies).toContainEqual({ flags: { from: 'build' }, rest: ['/app/dist/apps/${APP}/package.json', './package.json'] });
    expect(copies).toContainEqual({ flags: {}, rest: ['package-lock.json', './'] });
    expect(prodDeps.some((i) => i.keyword === 'RUN' && /npm install --omit=dev\b/.test(i.args))).toBe(true);
  });

  it('copies node_modules into the runtime only from that install', () => {
    const copies = stage('runtime').instructions.filter((i) => i.keyword === 'COPY').map((i) => splitFlags(i.args));
    const modules = copies.filter((c) => c.rest[0].endsWith('node_modules'));
    expect(modules).toEqual([{ flags: { from: 'prod-deps' }, rest: ['/app/node_modules', './node_modules'] }]);
  });
});
