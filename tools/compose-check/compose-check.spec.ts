/**
 * Static checks of docker-compose.yml and docker/Dockerfile against the repo, since neither can be
 * built or started where the tests run: paths, app names, env vars, stage references, entry point.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { parse } from 'yaml';
import { AppName, DEFAULT_PORTS, ENV_VARS } from '@projectionist/config';
import { Dockerfile, argName, findStage, parseDockerfile, splitFlags, workdirOf } from './dockerfile';

const ROOT = resolve(__dirname, '../..');
const REQUIRED_SERVICES = ['postgres', 'redis', 'rabbitmq', 'gateway', 'coordinator', 'projector-worker', 'admin-ui'];
/** Variables an app service may set that are not app configuration (so not in ENV_VARS). */
// Read by Node itself, not by the apps' configuration.
const COMPOSE_ONLY_VARS = new Set(['NODE_ENV', 'NODE_OPTIONS']);

type KeyValues = Record<string, string | number | boolean | null> | string[];
interface Service {
  build?: string | { context?: string; dockerfile?: string; args?: KeyValues };
  environment?: KeyValues;
  depends_on?: string[] | Record<string, unknown>;
  healthcheck?: { disable?: boolean; test?: string | string[] };
  deploy?: { replicas?: number };
  ports?: (string | number | { target: number; published?: number | string })[];
  container_name?: string;
}

/** Compose accepts both `KEY: value` maps and `KEY=value` lists. */
function toMap(values: KeyValues | undefined): Record<string, string | undefined> {
  if (Array.isArray(values)) return Object.fromEntries(values.map((v) => [v.split('=')[0], v.includes('=') ? v.slice(v.indexOf('=') + 1) : undefined]));
  return Object.fromEntries(Object.entries(values ?? {}).map(([k, v]) => [k, v == null ? undefined : String(v)]));
}

function buildOf(service: Service) {
  const build = typeof service.build === 'string' ? { context: service.build } : service.build ?? {};
  const context = resolve(ROOT, build.context ?? '.');
  return { context, dockerfile: resolve(context, build.dockerfile ?? 'Dockerfile'), args: toMap(build.args) };
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services ?? {};
const apps = Object.entries(services)
  .filter(([, s]) => s.build !== undefined)
  .map(([service, s]) => ({ service, ...s, ...buildOf(s), app: buildOf(s).args.APP as AppName }));
// A missing Dockerfile reads as empty, so its own test fails instead of the whole file.
const dockerfiles = new Map<string, { text: string; file: Dockerfile }>();
for (const { dockerfile } of apps) {
  const text = existsSync(dockerfile) ? readFileSync(dockerfile, 'utf8') : '';
  dockerfiles.set(dockerfile, { text, file: parseDockerfile(text) });
}
const dockerfileOf = (path: string) => dockerfiles.get(path)!;
const finalStage = (file: Dockerfile) => file.stages[file.stages.length - 1];

describe('docker-compose.yml', () => {
  it('defines the whole stack', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(REQUIRED_SERVICES));
    expect(apps.map((a) => a.service).sort()).toEqual(['admin-ui', 'coordinator', 'gateway', 'projector-worker']);
  });

  it.each(apps.map((a) => [a.service, a]))('%s: build context and dockerfile exist', (_, { context, dockerfile }) => {
    expect(existsSync(context)).toBe(true);
    expect(existsSync(dockerfile)).toBe(true);
  });

  it.each(apps.map((a) => [a.service, a]))('%s: args.APP names an Nx app with a build target', (_, { app }) => {
    const projectJson = join(ROOT, 'apps', String(app), 'project.json');
    expect(existsSync(projectJson)).toBe(true);
    const project = JSON.parse(readFileSync(projectJson, 'utf8'));
    // `nx run ${APP}:build` addresses the project by name, not by folder.
    expect(project.name).toBe(app);
    expect(project.targets?.build).toBeDefined();
  });

  it.each(apps.map((a) => [a.service, a]))('%s: sets only env vars that the app reads', (_, { app, environment }) => {
    for (const name of Object.keys(toMap(environment))) {
      if (COMPOSE_ONLY_VARS.has(name)) continue;
      const spec = ENV_VARS.find((v) => v.name === name);
      expect({ name, declared: spec !== undefined }).toEqual({ name, declared: true });
      const readBy = spec!.apps === 'all' || (spec!.apps as readonly string[]).includes(app);
      expect({ name, app, readBy }).toEqual({ name, app, readBy: true });
    }
  });

  it('depends_on names only defined services', () => {
    for (const [name, service] of Object.entries(services)) {
      const deps = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
      for (const dep of deps) expect({ service: name, dependsOn: dep, defined: dep in services }).toMatchObject({ defined: true });
    }
  });

  it('runs at least two projector-workers, with nothing that would clash between replicas', () => {
    const worker = services['projector-worker'];
    expect(worker.deploy?.replicas).toBeGreaterThanOrEqual(2);
    expect(worker.container_name).toBeUndefined();
    const fixedHostPort = (port: NonNullable<Service['ports']>[number]) =>
      typeof port === 'object' ? port.published !== undefined : String(port).includes(':');
    expect((worker.ports ?? []).filter(fixedHostPort)).toEqual([]);
  });

  it.each(apps.map((a) => [a.service, a]))('%s: has a health check on the port the app listens on', (_, a) => {
    const { text, file } = dockerfileOf(a.dockerfile);
    const imageCheck = finalStage(file).instructions.find((i) => i.keyword === 'HEALTHCHECK');
    const composeCheck = a.healthcheck && !a.healthcheck.disable && a.healthcheck.test !== undefined;
    expect(composeCheck || (imageCheck !== undefined && !/^NONE\b/i.test(imageCheck.args) && !a.healthcheck?.disable)).toBe(true);
    // The image's check falls back to the app's default port when PORT is unset.
    if (!composeCheck) expect(text).toMatch(new RegExp(`'?${a.app}'?\\s*:\\s*${DEFAULT_PORTS[a.app]}\\b`));

    const port = Number(toMap(a.environment).PORT ?? DEFAULT_PORTS[a.app]);
    for (const published of a.ports ?? []) {
      const target = typeof published === 'object' ? published.target : String(published).split(':').pop()!.split('/')[0];
      expect(Number(target)).toBe(port);
    }
  });
});

describe.each([...dockerfiles.keys()].map((path) => [path.slice(ROOT.length + 1)]))('%s', (relative) => {
  const { file } = dockerfileOf(join(ROOT, relative));

  it('exists and has stages', () => {
    expect(file.stages.length).toBeGreaterThan(0);
  });

  it('declares ARG APP, and again in every stage that uses it', () => {
    expect(file.globalArgs).toContain('APP');
    for (const stage of file.stages) {
      const firstUse = stage.instructions.findIndex((i) => /\$\{?APP\b/.test(i.args));
      if (firstUse < 0) continue;
      const declared = stage.instructions.slice(0, firstUse).some((i) => i.keyword === 'ARG' && argName(i.args) === 'APP');
      expect({ stage: stage.name ?? stage.index, declared }).toEqual({ stage: stage.name ?? stage.index, declared: true });
    }
  });

  it('every COPY --from names an earlier stage', () => {
    for (const stage of file.stages) {
      for (const { keyword, args, line } of stage.instructions) {
        const from = keyword === 'COPY' ? splitFlags(args).flags.from : undefined;
        if (from === undefined) continue;
        expect({ line, from, earlier: findStage(file.stages.slice(0, stage.index), from) !== undefined }).toMatchObject({ earlier: true });
      }
    }
  });

  it('runs, as a non-root user, the entry file the build writes', () => {
    // tools/write-entry.mjs is the last step of every app build and writes dist/apps/<app>/main.js.
    const writeEntry = join(ROOT, 'tools/write-entry.mjs');
    expect(existsSync(writeEntry)).toBe(true);
    // Into the app's own dist directory unless a third argument names another (a release build of an app).
    const entry = readFileSync(writeEntry, 'utf8');
    expect(entry).toContain('dist/apps/${dist}/main.js');
    expect(entry).toMatch(/\bdist = app\b/);

    const runtime = finalStage(file);
    const at = runtime.instructions.findIndex((i) => i.keyword === 'COPY' && /\/dist\/apps\/\$\{?APP\}?$/.test(splitFlags(i.args).rest[0] ?? ''));
    expect(at).toBeGreaterThanOrEqual(0);
    const { flags, rest } = splitFlags(runtime.instructions[at].args);
    const build = findStage(file.stages, flags.from)!;
    expect(build.instructions.some((i) => i.keyword === 'RUN' && /nx run \$\{?APP\}?:build\b/.test(i.args))).toBe(true);
    // Copied from where the build stage wrote it, to the folder the container starts in.
    expect(rest[0]).toBe(`${workdirOf(file, build)}/dist/apps/\${APP}`);
    expect(posix.resolve(workdirOf(file, runtime, at), rest[1])).toBe(workdirOf(file, runtime));

    const cmd = runtime.instructions.filter((i) => i.keyword === 'CMD').pop();
    expect(JSON.parse(cmd?.args ?? 'null')).toEqual(['node', 'main.js']);
    const user = runtime.instructions.filter((i) => i.keyword === 'USER').pop();
    expect(user?.args).toBeDefined();
    expect(['root', '0']).not.toContain(user!.args.split(':')[0]);
  });
});
