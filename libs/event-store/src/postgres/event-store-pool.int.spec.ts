import { TEST_DATABASE_URL } from '@projectionist/testing';
import { Client, Pool, QueryConfig } from 'pg';
import { createEventStorePool, DEFAULT_IDLE_TIMEOUT_MS, SERVER_HEAP_WARM_UP } from './event-store-pool';

/** A pg client that records the text of every query it is given, and can fail the warm-up. */
function recordingClient(log: string[], failWarmUp: boolean): typeof Client {
  return class extends Client {
    override query(...args: unknown[]): never {
      const first = args[0] as string | QueryConfig;
      const text = typeof first === 'string' ? first : first.text;
      log.push(text);
      if (failWarmUp && text === SERVER_HEAP_WARM_UP) return Promise.reject(new Error('warm-up refused')) as never;
      return (super.query as (...a: unknown[]) => never)(...args);
    }
  } as unknown as typeof Client;
}

describe('createEventStorePool', () => {
  const pools: Pool[] = [];
  afterAll(() => Promise.all(pools.map((p) => p.end())));

  const open = (log: string[], options: { failWarmUp?: boolean; warmUpServerHeap?: boolean } = {}) => {
    const pool = createEventStorePool({
      connectionString: TEST_DATABASE_URL,
      max: 2,
      warmUpServerHeap: options.warmUpServerHeap,
      Client: recordingClient(log, options.failWarmUp ?? false),
    });
    pools.push(pool);
    return pool;
  };

  it('warms each new server process before its first query, and parses bigint as number', async () => {
    const log: string[] = [];
    const pool = open(log);
    const [a, b] = await Promise.all([pool.connect(), pool.connect()]);
    const { rows } = await a.query('SELECT 9007199254740991::bigint AS n');
    a.release();
    b.release();
    expect(rows[0].n).toBe(Number.MAX_SAFE_INTEGER);
    expect(log.filter((t) => t === SERVER_HEAP_WARM_UP)).toHaveLength(2);
    expect(log.indexOf(SERVER_HEAP_WARM_UP)).toBeLessThan(log.indexOf('SELECT 9007199254740991::bigint AS n'));
    // A reused connection is not warmed again.
    await pool.query('SELECT 1');
    expect(log.filter((t) => t === SERVER_HEAP_WARM_UP)).toHaveLength(2);
  });

  it('leaves a connection usable when its warm-up fails', async () => {
    const log: string[] = [];
    const pool = open(log, { failWarmUp: true });
    const { rows } = await pool.query('SELECT 2 AS two');
    expect(rows[0].two).toBe(2);
    expect(log[0]).toBe(SERVER_HEAP_WARM_UP);
  });

  it('skips the warm-up when told to, and keeps idle connections for a minute by default', async () => {
    const log: string[] = [];
    const pool = open(log, { warmUpServerHeap: false });
    await pool.query('SELECT 3');
    expect(log).toEqual(['SELECT 3']);
    expect((pool as unknown as { options: { idleTimeoutMillis: number } }).options.idleTimeoutMillis).toBe(DEFAULT_IDLE_TIMEOUT_MS);
  });

  // How long it takes depends on the host's page faults (figures at SERVER_HEAP_WARM_UP): not asserted here.
  it('allocates 8 MiB in the server in one statement', async () => {
    const client = new Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query({ text: SERVER_HEAP_WARM_UP, rowMode: 'array' });
      expect(Number(rows[0][0])).toBe(8 * 1024 * 1024);
    } finally {
      await client.end();
    }
  });

  it('sets TCP keepalive on the server end of each connection when asked to, and leaves the defaults otherwise', async () => {
    const tuned = createEventStorePool({ connectionString: TEST_DATABASE_URL, max: 1, keepAlive: { idleSeconds: 4, intervalSeconds: 3, count: 2 } });
    const plain = createEventStorePool({ connectionString: TEST_DATABASE_URL, max: 1 });
    pools.push(tuned, plain);
    const settings = async (pool: Pool) =>
      (await pool.query(`SELECT current_setting('tcp_keepalives_idle') AS idle, current_setting('tcp_keepalives_interval') AS interval, current_setting('tcp_keepalives_count') AS count, current_setting('tcp_user_timeout') AS user_timeout`)).rows[0];
    // Seconds, and the user timeout in ms: idle + interval × count.
    expect(await settings(tuned)).toEqual({ idle: '4', interval: '3', count: '2', user_timeout: '10000' });
    expect(await settings(plain)).toMatchObject({ user_timeout: '0' });
    expect((await settings(plain)).idle).not.toBe('4');
  });
});
