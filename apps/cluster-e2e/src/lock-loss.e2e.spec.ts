import { quoteIdentifier } from '@projectionist/event-store';
import { randomHistory } from '@projectionist/projections/testing';
import { createTestVhost, TestVhost, waitFor } from '@projectionist/testing';
import { AppProcess } from './support/app-process';
import { expectProjectionsMatchReference } from './support/projection-equality';
import { TestCluster } from './support/test-cluster';

const TOKEN = 'e2e-token';
const ROUNDS = 10;
const CATCH_UP_APPENDS_PER_SECOND = 250;
const WORKER = 'll-worker';

interface Run {
  phase: string;
  failure: { reason: string } | null;
}
interface DaemonStatus {
  role: string;
  activeSince: number | null;
  projections: { name: string; state: string; position: number; rebuild: { phase: string; processed: number } | null }[];
}

/**
 * A real projector-worker whose election lock connection is terminated from the server
 * (pg_terminate_backend, as a restart, a network blip or an idle-session killer would), while it
 * rebuilds and while it catches up. The sample projections include StreamSequenceCheck, which
 * stops in the error state on any event applied twice or out of order, and Commits, whose primary
 * key refuses a second row for an event; at the end every read model equals the reference fold.
 */
describe('projector-worker losing its lock connection', () => {
  let cluster: TestCluster;
  let vhost: TestVhost;
  let gateway: AppProcess;
  let worker: AppProcess;

  beforeAll(async () => {
    vhost = await createTestVhost('lock_loss');
    cluster = await TestCluster.create('lock_loss', { AMQP_URL: vhost.url, ADMIN_TOKEN: TOKEN });
    gateway = await cluster.addApp('gateway', 'll-gateway');
    await cluster.addApp('coordinator', 'll-coordinator');
    // Small rebuild pages and a short swap lock wait: rebuilds commit often, and a held table fails the swap fast.
    worker = await cluster.addApp('projector-worker', WORKER, { DAEMON_REBUILD_PAGE_SIZE: '100', DAEMON_SWAP_LOCK_TIMEOUT_MS: '300' });
    cluster.workers.push(worker);
  });
  afterAll(async () => {
    await cluster.close();
    await vhost.drop();
  });

  const schema = () => quoteIdentifier(cluster.db.namespace);
  const api = (path: string, init: RequestInit = {}) =>
    fetch(gateway.url + path, {
      ...init,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}`, ...(init.headers ?? {}) },
      signal: AbortSignal.timeout(10_000),
    });
  const requestRebuild = async (projection: string) => {
    const response = await api(`/api/admin/projections/${projection}/rebuilds`, { method: 'POST', body: JSON.stringify({ mode: 'blocking' }) });
    expect(response.status).toBe(202);
    return ((await response.json()) as { rebuildId: string }).rebuildId;
  };
  const ended = (id: string) =>
    waitFor(`run ${id} ended`, async () => {
      const run = (await (await api(`/api/admin/rebuilds/${id}`)).json()) as Run;
      return ['Completed', 'Failed', 'Cancelled'].includes(run.phase) ? run : undefined;
    }, { timeoutMs: 60_000 });
  const status = () => worker.json<DaemonStatus>('/daemon');
  const projection = async (name: string) => (await status()).projections.find((p) => p.name === name);
  const active = () => waitFor('the worker active', async () => ((await status()).role === 'active' ? status() : undefined), { timeoutMs: 20_000 });
  const activeAgain = (since: number | null) =>
    waitFor('the worker active again', async () => {
      const s = await status();
      return s.role === 'active' && s.activeSince !== since ? s : undefined;
    }, { timeoutMs: 20_000 });
  const terminateLock = async () => {
    const pid = await waitFor('the lock connection', async () => {
      const { rows } = await cluster.pool.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [`${cluster.db.namespace}:daemon-lock:${WORKER}`]);
      return rows[0]?.pid as number | undefined;
    });
    await cluster.pool.query('SELECT pg_terminate_backend($1)', [pid]);
  };
  // Checkpoints a rebuild leaves (the reactors' own checkpoints live beside the projections').
  const leftovers = async () =>
    (await cluster.pool.query(`SELECT slot FROM ${schema()}.projection_checkpoints WHERE slot NOT IN ('live', 'reactor')`)).rows.length +
    (await cluster.pool.query(`SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename LIKE '%\\_\\_rebuild'`, [cluster.db.namespace])).rows.length;

  it('keeps views built on a projection through a rebuild; a swap that cannot lock ends Failed and the projection runs on', async () => {
    await active();
    expect((await api('/api/projects', { method: 'POST', body: JSON.stringify({ id: 'apollo', name: 'Apollo', organization: 'acme' }) })).status).toBe(201);
    await cluster.seedCommits({ total: 2_000, streams: 20, prefix: 'view-', users: 3, additions: 1, deletions: 0 });
    await cluster.waitCaughtUp();
    await cluster.pool.query(`CREATE VIEW ${schema()}.project_report AS SELECT count(*) AS projects FROM ${schema()}.active_project`);

    const completed = await ended(await requestRebuild('ActiveProject'));
    expect(completed.phase).toBe('Completed');
    expect(Number((await cluster.pool.query(`SELECT projects FROM ${schema()}.project_report`)).rows[0].projects)).toBe(21);

    // A long report holds the live table: the swap gives up on its lock instead of queueing every reader.
    const reader = await cluster.pool.connect();
    let failed: Run;
    try {
      await reader.query('BEGIN');
      await reader.query(`SELECT count(*) FROM ${schema()}.active_project_v1`);
      failed = await ended(await requestRebuild('ActiveProject'));
    } finally {
      await reader.query('ROLLBACK');
      reader.release();
    }
    expect(failed).toMatchObject({ phase: 'Failed', failure: { reason: expect.stringContaining('lock timeout') } });
    await waitFor('ActiveProject running again', async () => (await projection('ActiveProject'))?.state === 'running');
    expect(await leftovers()).toBe(0);
    const written = await api('/api/projects/apollo/issues', { method: 'POST', body: JSON.stringify({ title: 'after the failed swap' }) });
    expect(written.status).toBe(201);
    const { position } = (await written.json()) as { position: number };
    const read = await api(`/api/projects/apollo?minPosition=${position}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ openIssueCount: 1 });
  });

  it(`applies every event exactly once across ${ROUNDS} lock losses mid-rebuild and ${ROUNDS} mid-catch-up`, async () => {
    // Enough for a rebuild that outlasts the worker's step-down and its taking the lock back.
    await cluster.seedCommits({ total: 60_000, streams: 100, prefix: 'bulk-', users: 5, additions: 2, deletions: 1 });
    // More than the rounds can use: the appends below are paced, and end only with the rounds.
    const history = randomHistory({ seed: 29, events: 100_000, streams: 150 });
    let next = 0;
    const append = async (count: number) => {
      for (const end = Math.min(history.length, next + count); next < end; next++) {
        await cluster.store.append(history[next].streamId, [{ type: history[next].type, data: history[next].data }]);
      }
    };
    const phases: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const name = round % 2 === 0 ? 'Commits' : 'ActiveProject';
      const { activeSince } = await active();
      await cluster.waitCaughtUp();
      const id = await requestRebuild(name);
      await waitFor(`${name} rebuilding`, async () => ((await projection(name))?.rebuild?.processed ?? 0) > 0 && (await projection(name))?.rebuild?.phase === 'replaying', {
        timeoutMs: 30_000,
        intervalMs: 5,
      });
      await terminateLock();
      phases.push((await ended(id)).phase);
      await activeAgain(activeSince);
      // Whatever still applies (a second agent of the old term would) meets new events now.
      await append(100);
      await cluster.waitCaughtUp();
    }

    let stop = false;
    // Paced: back to back, a fast machine used up the history before the rounds ended, and a
    // round then waited for an event that never came.
    const appending = (async () => {
      for (let due = Date.now(); next < history.length && !stop; due += 1000 / CATCH_UP_APPENDS_PER_SECOND) {
        await append(1);
        if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      }
    })();
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const { activeSince } = await active();
        const before = (await projection('StreamSequenceCheck'))?.position ?? 0;
        await waitFor('applying', async () => ((await projection('StreamSequenceCheck'))?.position ?? 0) > before, { timeoutMs: 20_000 });
        await terminateLock();
        await activeAgain(activeSince);
      }
    } finally {
      stop = true;
      await appending;
    }
    console.log(`lock lost mid-rebuild ${ROUNDS} times, runs ended ${JSON.stringify(phases)}; mid-catch-up ${ROUNDS} times with ${next} events appended`);

    await cluster.waitCaughtUp(120_000);
    expect(await cluster.checkpointStates()).toEqual(expect.not.arrayContaining([expect.objectContaining({ state: 'error' })]));
    expect(await leftovers()).toBe(0);
    await expectProjectionsMatchReference(cluster);
  });
});
