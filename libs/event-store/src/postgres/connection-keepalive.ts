import { ClientConfig } from 'pg';

/**
 * TCP keepalive of a PostgreSQL connection, on both ends. A killed process's connections end at
 * once (its kernel resets them); a host that vanishes (power, network) sends nothing, so without
 * keepalive the server keeps its sessions, and with them its advisory locks and open
 * transactions' row locks, until the kernel's default (two hours) gives up. The server side is
 * what releases the locks; the client side lets the node notice too.
 */
export interface ConnectionKeepAlive {
  /** Seconds of silence before the first probe. */
  readonly idleSeconds: number;
  /** Seconds between unanswered probes. */
  readonly intervalSeconds: number;
  /** Unanswered probes after which the connection is closed. */
  readonly count: number;
}

/** A dead peer is noticed 3 s after its last packet: within the HotCold takeover target. */
export const DEFAULT_CONNECTION_KEEPALIVE: ConnectionKeepAlive = { idleSeconds: 1, intervalSeconds: 1, count: 2 };

/** How long after the last packet from a vanished peer its connection is closed. */
export function deadPeerTimeoutMs(keepAlive: ConnectionKeepAlive): number {
  return (keepAlive.idleSeconds + keepAlive.intervalSeconds * keepAlive.count) * 1000;
}

/** Client side: pg turns on SO_KEEPALIVE with this idle time (the OS sets interval and count). */
export function keepAliveClientConfig(keepAlive: ConnectionKeepAlive): Pick<ClientConfig, 'keepAlive' | 'keepAliveInitialDelayMillis'> {
  return { keepAlive: true, keepAliveInitialDelayMillis: keepAlive.idleSeconds * 1000 };
}

/**
 * Server side, for this session only (the server's own `tcp_keepalives_*` stay as configured):
 * the backend probes its client and ends the session, releasing its locks, when the probes go
 * unanswered. `tcp_user_timeout` covers what keepalive does not: a backend whose sent data is
 * never acknowledged (a LISTEN connection's notifications to a vanished host), which would
 * otherwise retransmit for many minutes. Through a pooler the server sees the pooler's
 * connection instead: configure the pooler's own keepalive then.
 */
export function serverKeepAliveSql(keepAlive: ConnectionKeepAlive): string {
  const { idleSeconds, intervalSeconds, count } = keepAlive;
  return [
    `SET tcp_keepalives_idle = ${Math.trunc(idleSeconds)}`,
    `SET tcp_keepalives_interval = ${Math.trunc(intervalSeconds)}`,
    `SET tcp_keepalives_count = ${Math.trunc(count)}`,
    `SET tcp_user_timeout = ${deadPeerTimeoutMs(keepAlive)}`,
  ].join('; ');
}
