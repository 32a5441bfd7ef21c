import { singleStreamProjection } from '@projectionist/projections';
import { createDaemonFixture, DaemonFixture } from '../testing/daemon-fixture';
import { InlineProjector } from './inline-projector';

describe('InlineProjector', () => {
  let f: DaemonFixture;
  beforeAll(async () => {
    f = await createDaemonFixture('inline');
  });
  afterAll(() => f.close());

  const counter = singleStreamProjection<{ count: number }>({
    name: 'InlineCounter',
    version: 1,
    mode: 'inline',
    eventTypes: ['counted', 'refused'],
    evolve: (doc, event) => {
      if (event.type === 'refused') throw new Error('refused by the projection');
      return { count: (doc?.count ?? 0) + 1 };
    },
  });
  const doc = async (id: string) =>
    (await f.pool.query(`SELECT data, last_position FROM "${f.db.namespace}".inline_counter WHERE id = $1`, [id])).rows[0];

  it('updates the projection in the appending transaction', async () => {
    const projector = new InlineProjector(f.store, f.pool, f.db.namespace, [counter]);
    await projector.init();
    await projector.append('c-1', [{ type: 'counted', data: {} }, { type: 'ignored', data: {} }, { type: 'counted', data: {} }]);
    const result = await projector.append('c-1', [{ type: 'counted', data: {} }]);
    expect(await doc('c-1')).toEqual({ data: { count: 3 }, last_position: result.positions[0] });
  });

  it('fails the append, writing nothing, when the projection throws', async () => {
    const projector = new InlineProjector(f.store, f.pool, f.db.namespace, [counter]);
    await projector.init();
    await projector.append('c-2', [{ type: 'counted', data: {} }]);
    await expect(projector.append('c-2', [{ type: 'counted', data: {} }, { type: 'refused', data: {} }])).rejects.toThrow('refused by the projection');
    expect(await f.store.readStream('c-2')).toHaveLength(1);
    expect((await doc('c-2')).data).toEqual({ count: 1 });
  });
});
