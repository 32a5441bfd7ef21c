/**
 * The monitoring part of docker-compose.yml, checked statically: Prometheus scrapes /metrics of
 * every replica of every app, and the Grafana dashboard queries metrics the apps register.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { AppName, DEFAULT_PORTS } from '@projectionist/config';

const ROOT = resolve(__dirname, '../..');
const METRICS_PATH = '/metrics';

/** Prometheus's own series and prom-client's default process metrics. */
const STANDARD = /^(up|process_[a-z_]+|nodejs_[a-z_]+)$/;

interface Service {
  image?: string;
  build?: unknown;
  volumes?: string[];
  environment?: Record<string, string>;
}
interface ScrapeJob {
  job_name: string;
  metrics_path?: string;
  static_configs?: { targets: string[] }[];
  dns_sd_configs?: { names: string[]; type?: string; port: number }[];
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const apps = Object.entries(services).filter(([, s]) => s.build !== undefined) as [AppName, Service][];

/** `./host/path:/container/path[:ro]` of a service, by container path. */
function mounts(service: Service | undefined): Map<string, string> {
  return new Map((service?.volumes ?? []).map((v) => v.split(':')).map(([host, target]) => [target, resolve(ROOT, host)]));
}
const portOf = (service: Service, app: AppName) => Number(service.environment?.PORT ?? DEFAULT_PORTS[app]);

describe('docker-compose.yml: Prometheus', () => {
  const prometheus = services.prometheus;
  const config = mounts(prometheus).get('/etc/prometheus/prometheus.yml');
  const jobs = () => (parse(readFileSync(config!, 'utf8')) as { scrape_configs: ScrapeJob[] }).scrape_configs;

  it('runs a pinned Prometheus image with docker/prometheus.yml as its configuration', () => {
    expect(prometheus?.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(config).toBe(join(ROOT, 'docker/prometheus.yml'));
    expect(existsSync(config!)).toBe(true);
  });

  it.each(apps.map(([name, s]) => [name, s]))('scrapes %s on its port and /metrics, every replica', (name, service) => {
    const job = jobs().find((j) => j.dns_sd_configs?.some((d) => d.names.includes(name)));
    expect(job).toBeDefined();
    expect(job!.metrics_path ?? METRICS_PATH).toBe(METRICS_PATH);
    // A record lookup of the service name returns every replica (a static target would hit one).
    const discovery = job!.dns_sd_configs!.find((d) => d.names.includes(name))!;
    expect({ type: discovery.type ?? 'SRV', port: discovery.port }).toEqual({ type: 'A', port: portOf(service, name) });
  });

  it('scrapes nothing that is not a service of the stack', () => {
    const hosts = jobs().flatMap((j) => [...(j.dns_sd_configs ?? []).flatMap((d) => d.names), ...(j.static_configs ?? []).flatMap((c) => c.targets.map((t) => t.split(':')[0]))]);
    for (const host of hosts) expect({ host, service: host in services }).toEqual({ host, service: true });
  });
});

describe('docker-compose.yml: Grafana', () => {
  const grafana = services.grafana;
  const provisioning = mounts(grafana).get('/etc/grafana/provisioning');
  const dashboards = mounts(grafana).get('/var/lib/grafana/dashboards');
  const dashboardFile = join(dashboards ?? '', 'projectionist.json');
  const dashboard = () => JSON.parse(readFileSync(dashboardFile, 'utf8')) as { panels: { type: string; title: string; datasource?: { uid: string }; targets?: { expr: string }[] }[] };
  const queries = () => dashboard().panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

  it('provisions the Prometheus data source and the dashboard folder it mounts', () => {
    expect(grafana?.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    const datasources = parse(readFileSync(join(provisioning!, 'datasources/prometheus.yml'), 'utf8')) as { datasources: { uid: string; url: string }[] };
    expect(datasources.datasources[0]).toMatchObject({ uid: 'prometheus', url: 'http://prometheus:9090' });
    const providers = parse(readFileSync(join(provisioning!, 'dashboards/projectionist.yml'), 'utf8')) as { providers: { options: { path: string } }[] };
    expect(providers.providers[0].options.path).toBe('/var/lib/grafana/dashboards');
    expect(existsSync(dashboardFile)).toBe(true);
  });

  it('has panels on lag, rates, rebuilds, the write guard and errors, all on that data source', () => {
    const rows = dashboard().panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual(expect.arrayContaining(['Lag', 'Rates', 'Rebuilds', 'Guard and leadership', 'Errors']));
    for (const panel of dashboard().panels.filter((p) => p.type !== 'row')) expect({ panel: panel.title, uid: panel.datasource?.uid }).toEqual({ panel: panel.title, uid: 'prometheus' });
  });

  it('queries only metrics that an app registers', () => {
    const source = execFileSync('git', ['grep', '-h', '-o', '-E', "'(projectionist|http)_[a-z_]+'", '--', 'libs', 'apps'], { cwd: ROOT, encoding: 'utf8' });
    const registered = new Set(source.split('\n').map((line) => line.replace(/'/g, '')).filter(Boolean));
    for (const { panel, expr } of queries()) {
      // Series names (label names carry no such prefix), without the suffixes a histogram adds.
      const names = (expr.match(/\b(projectionist|http|process|nodejs)_[a-z_]+|\bup\b/g) ?? []).map((n) => n.replace(/_(bucket|count|sum)$/, ''));
      expect({ panel, queriesAMetric: names.length > 0 }).toEqual({ panel, queriesAMetric: true });
      for (const name of names.filter((n) => !STANDARD.test(n))) {
        expect({ panel, name, registered: registered.has(name) }).toEqual({ panel, name, registered: true });
      }
    }
  });
});
