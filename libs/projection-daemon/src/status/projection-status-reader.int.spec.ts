import { singleStreamProjection } from '@projectionist/projections';
import { waitFor } from '@projectionist/testing';
import { CheckpointStore } from '../storage/checkpoint-store';
import { pinVersionIn } from '../storage/live-version';
import { pointLiveView } from '../storage/projection-tables';
import { createDaemonFixture, DaemonFixture } from '../testing/daemon-fixture';
import { ProjectionStatusReader } from './projection-status-reader';

const counter = (name: string, version = 1) =>
  singleStreamProjection<{ n: number }>({ name, version, eventTypes: [`tick-${name}`], evolve: (doc) => ({ n: (doc?.n ?? 0) + 1 }) });

describe('ProjectionStatusReader', () => {
  let f: DaemonFixture;
  let reader: ProjectionStatusReader;
  beforeAll(async () => {
    f = await createDaemonFixture('status_reader');
    reader = new ProjectionStatusReader(f.pool, f.db.namespace);
  });
  afterAll(() => f.close());

  it('reads nothing before a worker has registered a projection', async () => {
    expect(await reader.list()).toEqual([]);
    expect(await reader.get('Counter')).toBeUndefined();
  });

  it('lists each projection with the progress its worker reported, and finds one by name', async () => {
    const daemon = f.daemon([counter('Counter'), counter('Other')], { progressIntervalMs: 50 }, 'node-7');
    await daemon.start(await daemon.storage.fence.claimAll(['Counter', 'Other'], 'node-7'));
    const last = await f.store.append('c-1', [{ type: 'tick-Counter', data: {} }, { type: 'tick-Counter', data: {} }]);
    const position = last.positions[1];

    await waitFor('the worker to report Counter caught up', async () => (await reader.get('Counter'))?.position === position);
    const statuses = await reader.list();
    expect(statuses.map((s) => s.name)).toEqual(['Counter', 'Other']);
    expect(statuses[0]).toMatchObject({ name: 'Counter', version: 1, mode: 'async', state: 'running', error: null, ownerNode: 'node-7', position, rebuild: null, heldBack: null });
    expect(statuses[0].head).toBeGreaterThanOrEqual(position);
    expect(statuses[0].reportedAt).toBeInstanceOf(Date);
    expect(await reader.get('Missing')).toBeUndefined();
    await daemon.stop();
  });

  it('does not list a rebuild slot as a projection of its own', async () => {
    const client = await f.pool.connect();
    try {
      await new CheckpointStore(f.pool, f.db.namespace).loadIn(client, { projection: 'Rebuilt', version: 2, slot: 'rebuild' });
    } finally {
      client.release();
    }
    expect(await reader.get('Rebuilt')).toBeUndefined();
    expect((await reader.list()).map((s) => s.name)).not.toContain('Rebuilt');
  });

  it('tells the version readers read from a newer one being built, and from an older one they left', async () => {
    const v1 = f.daemon([counter('Ver', 1)], { progressIntervalMs: 50 });
    await v1.start(new Map([['Ver', await v1.storage.fence.claim('Ver', 'node-1')]]));
    await f.store.append('v-1', [{ type: 'tick-Ver', data: {} }, { type: 'tick-Ver', data: {} }]);
    await v1.waitForNonStale({ timeoutMs: 10_000 });
    await v1.stop();
    expect(await reader.get('Ver')).toMatchObject({ version: 1, versions: [{ version: 1, role: 'live' }] });

    // Version 2 registered, its table not read yet: it is being built.
    const client = await f.pool.connect();
    try {
      await new CheckpointStore(f.pool, f.db.namespace).loadIn(client, { projection: 'Ver', version: 2, slot: 'live' });
    } finally {
      client.release();
    }
    expect(await reader.get('Ver')).toMatchObject({ version: 1, versions: [{ version: 1, role: 'live' }, { version: 2, role: 'building' }] });

    // Once version 2 has caught up, readers move to it and version 1 is the previous one.
    const v2 = f.daemon([counter('Ver', 2)], { progressIntervalMs: 50 });
    await v2.start(new Map([['Ver', await v2.storage.fence.claim('Ver', 'node-1')]]));
    await waitFor('readers on version 2', async () => (await reader.get('Ver'))?.version === 2, { timeoutMs: 10_000 });
    expect(await reader.get('Ver')).toMatchObject({ version: 2, versions: [{ version: 1, role: 'previous' }, { version: 2, role: 'live' }] });
    expect((await reader.list()).filter((s) => s.name === 'Ver')).toHaveLength(1);
    await v2.stop();

    // Rolled back to version 1 (what the rollback writes: the view on v1, the pin): version 2 is
    // newer than what readers read but will not take them back on its own, so it is not building.
    const rollback = await f.pool.connect();
    try {
      await rollback.query('BEGIN');
      await pointLiveView(rollback, f.db.namespace, counter('Ver', 1));
      await pinVersionIn(rollback, f.db.namespace, 'Ver', { version: 1, rolledBackFrom: 2 });
      await rollback.query('COMMIT');
    } finally {
      rollback.release();
    }
    expect(await reader.get('Ver')).toMatchObject({ version: 1, versions: [{ version: 1, role: 'live' }, { version: 2, role: 'rolled-back' }] });
    // A version 3 deployed after the rollback is built to take the readers.
    const next = await f.pool.connect();
    try {
      await new CheckpointStore(f.pool, f.db.namespace).loadIn(next, { projection: 'Ver', version: 3, slot: 'live' });
    } finally {
      next.release();
    }
    expect((await reader.get('Ver'))?.versions.map((v) => v.role)).toEqual(['live', 'rolled-back', 'building']);
  });
});
