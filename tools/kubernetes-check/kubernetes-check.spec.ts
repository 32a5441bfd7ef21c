/**
 * deploy/kubernetes checked without a cluster: each overlay renders (kubectl kustomize), every
 * object validates against the Kubernetes schemas (kubernetes-models), and the manifests keep our
 * conventions: probes on the health paths, scraping on /metrics, every variable an app needs set
 * through the ConfigMaps and the Secret, secrets only from the Secret, migrations before start.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { AppName, DEFAULT_PORTS, ENV_VARS } from '@projectionist/config';
import { containerEnv, Deployment } from './pod-env';
import { K8sObject, kustomize, modelOf } from './render';

const ROOT = resolve(__dirname, '../..');
const OVERLAYS = ['local', 'production'];
const APPS: AppName[] = ['gateway', 'coordinator', 'projector-worker', 'admin-ui'];
/** Apps that use PostgreSQL, and so migrate before they start. */
const DATABASE_APPS: AppName[] = ['gateway', 'coordinator', 'projector-worker'];
/** Paths the apps serve (libs/observability): liveness, readiness, Prometheus. */
const LIVE_PATH = '/health/live';
const READY_PATH = '/health/ready';
const METRICS_PATH = '/metrics';
/** Read by Node itself, not by the apps' configuration. */
const NODE_ONLY_VARS = new Set(['NODE_ENV', 'NODE_OPTIONS']);
/** Credentials, or URLs that carry them: only ever from the Secret. */
const SECRET_VARS = new Set(['DATABASE_URL', 'REDIS_URL', 'AMQP_URL', 'ADMIN_TOKEN']);
const SECRET_NAME = 'projectionist-secrets';

/** What the one-host stack sets for an app is what a pod needs too (ports and names aside). */
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { environment?: Record<string, unknown> }>;
};
const neededBy = (app: AppName) => Object.keys(compose.services[app]?.environment ?? {}).filter((name) => !NODE_ONLY_VARS.has(name));

const rendered = new Map(OVERLAYS.map((overlay) => [overlay, kustomize(join(ROOT, 'deploy/kubernetes/overlays', overlay))]));
const deploymentOf = (objects: K8sObject[], app: AppName) =>
  objects.find((o) => o.kind === 'Deployment' && o.metadata.name === `projectionist-${app}`) as Deployment | undefined;
/**
 * Current kustomize folds a long Secret value over lines; the API server's base64 decoder skips
 * the line breaks, the schema's `byte` format does not.
 */
const normalised = (object: K8sObject): K8sObject =>
  object.kind === 'Secret' && object.data
    ? { ...object, data: Object.fromEntries(Object.entries(object.data as Record<string, string>).map(([k, v]) => [k, v.replace(/\s/g, '')])) }
    : object;
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

describe.each(OVERLAYS)('deploy/kubernetes/overlays/%s', (overlay) => {
  const objects = rendered.get(overlay)!;

  it('renders the four apps', () => {
    for (const app of APPS) expect({ app, deployment: deploymentOf(objects, app) !== undefined }).toEqual({ app, deployment: true });
  });

  it('every object validates against the Kubernetes schema of its kind', () => {
    const problems: string[] = [];
    for (const object of objects) {
      const Model = modelOf(object);
      if (!Model) {
        problems.push(`${object.kind} ${object.metadata.name}: no schema for ${object.apiVersion} ${object.kind}`);
        continue;
      }
      try {
        new Model(normalised(object)).validate();
      } catch (error) {
        problems.push(`${object.kind} ${object.metadata.name}: ${(error as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  describe.each(APPS)('%s', (app) => {
    const deployment = () => deploymentOf(objects, app)!;
    const container = () => deployment().spec.template.spec.containers.find((c) => c.name === app)!;
    const podLabels = () => deployment().spec.template.metadata.labels;

    it('runs its own image on the port it listens on, named http', () => {
      expect(container().image).toMatch(new RegExp(`(^|/)projectionist/${app}(:[\\w.-]+)?$`));
      expect(container().ports).toEqual([{ name: 'http', containerPort: DEFAULT_PORTS[app] }]);
      const port = containerEnv(container(), objects).get('PORT');
      expect(port?.kind === 'configMap' && port.value).toBe(String(DEFAULT_PORTS[app]));
    });

    it('probes liveness and readiness on the health paths, and is scraped on /metrics', () => {
      const c = container();
      expect(c.livenessProbe?.httpGet).toEqual({ path: LIVE_PATH, port: 'http' });
      expect(c.startupProbe?.httpGet).toEqual({ path: LIVE_PATH, port: 'http' });
      expect(c.readinessProbe?.httpGet).toEqual({ path: READY_PATH, port: 'http' });
      expect(deployment().spec.template.metadata.annotations).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/path': METRICS_PATH,
        'prometheus.io/port': String(DEFAULT_PORTS[app]),
      });
    });

    it('requests CPU and memory and limits memory', () => {
      for (const c of [...(deployment().spec.template.spec.initContainers ?? []), container()]) {
        expect({ container: c.name, requests: Object.keys(c.resources?.requests ?? {}).sort() }).toEqual({ container: c.name, requests: ['cpu', 'memory'] });
        expect(c.resources?.limits?.memory).toBeDefined();
      }
    });

    it('sets every variable it needs, only variables it reads, secrets from the Secret', () => {
      const env = containerEnv(container(), objects);
      for (const name of neededBy(app)) expect({ name, set: env.has(name) }).toEqual({ name, set: true });
      for (const [name, source] of env) {
        if (NODE_ONLY_VARS.has(name)) continue;
        const spec = ENV_VARS.find((v) => v.name === name);
        const readBy = spec !== undefined && (spec.apps === 'all' || (spec.apps as readonly string[]).includes(app));
        expect({ name, readBy }).toEqual({ name, readBy: true });
        if (SECRET_VARS.has(name)) expect({ name, from: source.kind }).toEqual({ name, from: 'secret' });
        // The local overlay generates it (with a hash suffix); production names the operator's Secret.
        if (source.kind === 'secret') expect(source.name).toMatch(new RegExp(`^${SECRET_NAME}(-[a-z0-9]{10})?$`));
      }
      // Each replica its own name in logs, metrics and the node registry.
      expect(env.get('NODE_ID')).toEqual({ kind: 'field', fieldPath: 'metadata.name' });
    });

    it('has a Service and a PodDisruptionBudget that select its pods', () => {
      const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === `projectionist-${app}`) as
        | (K8sObject & { spec: { selector: Record<string, string>; ports: { targetPort: string | number }[] } })
        | undefined;
      expect(selects(service?.spec.selector, podLabels())).toBe(true);
      expect(service!.spec.ports.map((p) => p.targetPort)).toEqual(['http']);
      const budgets = objects.filter((o) => o.kind === 'PodDisruptionBudget') as (K8sObject & { spec: { selector: { matchLabels: Record<string, string> } } })[];
      expect(budgets.filter((b) => selects(b.spec.selector.matchLabels, podLabels()))).toHaveLength(1);
    });

    if (DATABASE_APPS.includes(app)) {
      it('migrates in an init container with migrate.js of its own image, and does not migrate on start', () => {
        expect(existsSync(join(ROOT, 'apps', app, 'src/migrate.ts'))).toBe(true);
        const init = deployment().spec.template.spec.initContainers ?? [];
        expect(init.map((c) => c.name)).toEqual(['migrate']);
        expect(init[0].command).toEqual(['node', 'migrate.js']);
        expect(init[0].image).toBe(container().image);
        const migrateEnv = containerEnv(init[0], objects);
        const appEnv = containerEnv(container(), objects);
        for (const name of ['DATABASE_URL', 'NAMESPACE']) expect({ name, init: migrateEnv.get(name) }).toEqual({ name, init: appEnv.get(name) });
        const migrateOnStart = appEnv.get('MIGRATE_ON_START');
        expect(migrateOnStart?.kind === 'configMap' && migrateOnStart.value).toBe('false');
      });
    }
  });

  it('runs at least two workers and two coordinators, so a standby can take over', () => {
    expect(deploymentOf(objects, 'projector-worker')!.spec.replicas).toBeGreaterThanOrEqual(2);
    if (overlay === 'production') expect(deploymentOf(objects, 'coordinator')!.spec.replicas).toBeGreaterThanOrEqual(2);
  });

  it('provides the Secret with every key the apps read from it, or leaves it to the operator', () => {
    const keys = new Set<string>();
    for (const app of APPS) {
      const spec = deploymentOf(objects, app)!.spec.template.spec;
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        for (const source of containerEnv(c, objects).values()) if (source.kind === 'secret') keys.add(source.key);
      }
    }
    const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name.startsWith(SECRET_NAME)) as (K8sObject & { data?: Record<string, string> }) | undefined;
    if (overlay === 'local') {
      expect(Object.keys(secret?.data ?? {}).sort()).toEqual([...keys].sort());
    } else {
      // Production credentials are never in the repository: docs/operations.md says how to create them.
      expect(secret).toBeUndefined();
      const doc = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
      const command = /create secret generic projectionist-secrets[^\n]*/.exec(doc)?.[0] ?? '';
      const documented = [...command.matchAll(/--from-literal=([A-Z_]+)=/g)].map((m) => m[1]);
      expect(documented.sort()).toEqual([...keys].sort());
    }
  });
});
