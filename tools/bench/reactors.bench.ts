import { createSampleRegistry } from '@projectionist/domain-events';
import { createEventStorePool, EventStore, InMemoryEventStore, PostgresEventStore, runMigrations } from '@projectionist/event-store';
import { PROJECTION_DAEMON_MIGRATIONS } from '@projectionist/projection-daemon';
import { groupCheckoutReactor, ReactorRunner } from '@projectionist/reactors';
import { ReactorHarness } from '@projectionist/reactors/testing';
import { loadavg } from 'node:os';
import { fmt, table } from './report';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const GROUP_SIZES = [10, 100, 1_000];
const STREAMS = Number(process.env.BENCH_REACTOR_STREAMS ?? 1_000);
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

type Store = Pick<EventStore, 'append' | 'readStream' | 'readAll' | 'readHead'>;

/** Appends stays (checked in, one charge), 32 at a time. */
async function checkIn(store: Store, stayIds: readonly string[]): Promise<void> {
  for (let i = 0; i < stayIds.length; i += 32) {
    await Promise.all(
      stayIds.slice(i, i + 32).map((id, j) =>
        store.append(`guest_stay-${id}`, [{ type: 'CheckedIn', data: {} }, { type: 'ChargeRecorded', data: { chargeId: 'c', amount: 10 + ((i + j) % 90) } }]),
      ),
    );
  }
}

/** How the reactor is run: until idle on the in-memory store, as the worker runs it (runner, fenced checkpoint) on PostgreSQL. */
interface Drive {
  readonly store: Store;
  /** Resolves once every group in `groupIds` has recorded its merges. */
  untilMerged(groupIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

async function merged(store: Store, groupId: string): Promise<boolean> {
  return (await store.readStream(`group_checkout-${groupId}`)).some((e) => e.type === 'StaysMerged');
}

function inMemory(): Drive {
  const store = new InMemoryEventStore({ validator: createSampleRegistry() });
  const harness = new ReactorHarness(store, groupCheckoutReactor);
  return { store, untilMerged: () => harness.runUntilIdle(1_000), close: async () => undefined };
}

async function postgres(): Promise<Drive> {
  const namespace = `bench_reactors_${Date.now()}`;
  await runMigrations({ databaseUrl: DATABASE_URL, namespace, extraMigrations: PROJECTION_DAEMON_MIGRATIONS });
  const pool = createEventStorePool({ connectionString: DATABASE_URL, max: 16 });
  const store = new PostgresEventStore({ pool, namespace, validator: createSampleRegistry() });
  const runner = new ReactorRunner({ reactors: [groupCheckoutReactor], store, pool, namespace, nodeId: 'bench', logger: quiet, pollIntervalMs: 5 });
  await runner.start();
  return {
    store,
    async untilMerged(groupIds) {
      for (const id of groupIds) while (!(await merged(store, id))) await new Promise((r) => setTimeout(r, 2));
    },
    async close() {
      await runner.stop();
      await pool.query(`DROP SCHEMA "${namespace}" CASCADE`);
      await pool.end();
    },
  };
}

/**
 * The group checkout reactor: time from StaysSelected to the group's merges recorded, for groups
 * of 10, 100 and 1,000 stays; group streams handled per second (as many groups of one stay each);
 * on PostgreSQL as the worker runs it, and on the in-memory store as the ceiling.
 */
export async function reactorsBenchmark(): Promise<string> {
  const rows: (string | number)[][] = [];
  for (const [label, open] of [['PostgreSQL (runner, fenced checkpoint)', postgres], ['in memory (ceiling)', async () => inMemory()]] as const) {
    const drive = await open();
    try {
      for (const size of GROUP_SIZES) {
        const stayIds = Array.from({ length: size }, (_, i) => `g${size}-${i}`);
        await checkIn(drive.store, stayIds);
        const started = performance.now();
        await drive.store.append(`group_checkout-g${size}`, [{ type: 'StaysSelected', data: { stayIds } }]);
        await drive.untilMerged([`g${size}`]);
        const ms = performance.now() - started;
        rows.push([label, `1 group of ${fmt(size)} stays`, `${fmt(ms)} ms`, `${fmt((size * 1000) / ms)} stays/s`]);
        console.log(`${label}: ${size} stays merged in ${fmt(ms)} ms`);
      }
      const groupIds = Array.from({ length: STREAMS }, (_, i) => `one-${i}`);
      await checkIn(drive.store, groupIds.map((id) => `${id}-s`));
      const started = performance.now();
      for (let i = 0; i < groupIds.length; i += 32) {
        await Promise.all(groupIds.slice(i, i + 32).map((id) => drive.store.append(`group_checkout-${id}`, [{ type: 'StaysSelected', data: { stayIds: [`${id}-s`] } }])));
      }
      await drive.untilMerged(groupIds);
      const ms = performance.now() - started;
      rows.push([label, `${fmt(STREAMS)} groups of 1 stay`, `${fmt(ms)} ms`, `${fmt((STREAMS * 1000) / ms)} group streams/s`]);
      console.log(`${label}: ${STREAMS} group streams in ${fmt(ms)} ms`);
    } finally {
      await drive.close();
    }
  }
  return [
    '### Group checkout reactor: from StaysSelected to StaysMerged',
    table(['store', 'work', 'time', 'rate'], rows),
    `Load average when it ended (the machine is shared): ${loadavg().map((l) => l.toFixed(1)).join(', ')}.`,
    `Stays are visited 10 at a time within a group's call; calls for different groups run ${'`REACTOR_CONCURRENCY`'} (8) at once. The groups-of-one run includes appending the selections (32 at a time) while the reactor works.`,
  ].join('\n\n');
}
