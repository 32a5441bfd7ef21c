import { Pool, PoolConfig } from 'pg';
import { ConnectionKeepAlive, keepAliveClientConfig, serverKeepAliveSql } from './connection-keepalive';
import { eventStoreTypes } from './pg-types';

/**
 * One allocation above glibc's default mmap threshold (128 KiB), freed at once, raises that
 * threshold (and the heap trim threshold, twice it) in the server process for the life of the
 * connection. Without it a backend that has served many small appends gives its heap back to
 * the kernel after each large one and faults it in again on the next: measured here, a backend
 * after 3,000 single-event appends spent 26% of its time in page faults and took 30–44 µs per
 * event of a 100-event append instead of 16–19 µs. Other allocators ignore it.
 *
 * A new connection's first query waits for it, so it must be cheap: the 8 MiB are built from a
 * 1 KiB piece (8,192 copies, not 8 million one-byte ones) and measured in bytes, not characters.
 * Measured here: 15–19 ms a connection on one day and 50–68 ms on another (page faults cost
 * what the host makes them cost), against 70–105 and 77–108 ms for `length(repeat('x', 8 MiB))`,
 * which under load delayed feed reads that needed a new connection by up to 250 ms.
 */
export const SERVER_HEAP_WARM_UP = `SELECT octet_length(repeat(repeat('x', 1024), 8192)) AS warmed`;

/**
 * pg's default (10 s) closes the connections a burst opened as soon as load drops, and the next
 * burst pays for new server processes: in the append benchmark, 32 writers after a quieter
 * 10 s appended 12–16k events/s on new connections against 32–35k on kept ones.
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

export interface EventStorePoolConfig extends Omit<PoolConfig, 'types' | 'keepAlive' | 'keepAliveInitialDelayMillis'> {
  /** Run SERVER_HEAP_WARM_UP on every new connection; default true. */
  readonly warmUpServerHeap?: boolean;
  /**
   * TCP keepalive on both ends of every connection; unset: the OS defaults. A vanished node's
   * open transaction keeps its row locks (a lease's FOR SHARE, a stream's lock) until its
   * session ends, so a takeover waits for the server to notice.
   */
  readonly keepAlive?: ConnectionKeepAlive;
}

/** A pg pool for the event store and the read models beside it: its type parsers, and warmed connections. */
export function createEventStorePool(config: EventStorePoolConfig): Pool {
  const { warmUpServerHeap = true, keepAlive, ...poolConfig } = config;
  return new Pool({
    idleTimeoutMillis: DEFAULT_IDLE_TIMEOUT_MS,
    ...(keepAlive ? keepAliveClientConfig(keepAlive) : {}),
    ...poolConfig,
    types: eventStoreTypes,
    // Awaited by the pool before it hands the new client out; a failed warm-up costs only the speed-up.
    onConnect: async (client) => {
      if (keepAlive) await client.query(serverKeepAliveSql(keepAlive));
      if (warmUpServerHeap) await client.query(SERVER_HEAP_WARM_UP).catch(() => undefined);
      await poolConfig.onConnect?.(client);
    },
  });
}
