import { randomHistory } from '@projectionist/projections/testing';
import { seededRandom } from '@projectionist/testing';
import { expectProjectionsMatchReference } from './support/projection-equality';
import { TestCluster } from './support/test-cluster';
import { WriterGate } from './support/writer-gate';

const KILLS = 10;

/**
 * Issue #3, acceptance 2: the worker is SIGKILLed at random moments while it projects; after
 * each restart the projections still equal the reference fold — nothing lost, nothing applied twice.
 */
describe('projector-worker killed with SIGKILL while projecting', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await TestCluster.create('crash');
  });
  afterAll(() => cluster.close());

  it(`recovers exactly from ${KILLS} kills at random moments`, async () => {
    const random = seededRandom(20261122);
    const worker = await cluster.addWorker('crash-worker');
    const history = randomHistory({ seed: 7, events: 8_000, streams: 300 });
    let appended = 0;
    // The writer is held while the projections are compared mid-run.
    const gate = new WriterGate();
    const appending = (async () => {
      for (const append of history) {
        await gate.pass();
        await cluster.store.append(append.streamId, [{ type: append.type, data: append.data }]);
        appended++;
      }
      gate.finish();
    })();
    for (let kill = 0; kill < KILLS; kill++) {
      await new Promise((resolve) => setTimeout(resolve, 150 + random() * 700));
      await worker.kill();
      await worker.start();
      if (kill % 3 === 2) {
        await gate.hold();
        await cluster.waitCaughtUp();
        await expectProjectionsMatchReference(cluster);
        gate.release();
      }
    }
    await appending;
    expect(appended).toBe(history.length);
    await cluster.waitCaughtUp();
    expect((await cluster.checkpointStates()).filter((s) => s.state === 'error')).toEqual([]);
    await expectProjectionsMatchReference(cluster);
  });
});
