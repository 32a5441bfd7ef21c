import { singleStreamProjection } from '@projectionist/projections';
import { waitFor } from '@projectionist/testing';
import { CheckpointStore } from '../storage/checkpoint-store';
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
});
