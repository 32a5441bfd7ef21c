import { ADVISORY_LOCK_CLASS } from '@projectionist/event-store';

/**
 * A worker that runs agents holds a session advisory lock over `<namespace>:node:<node id>` (a
 * DaemonLock with this role) for as long as it runs. PostgreSQL drops it the moment the worker's
 * connection ends, so "its lock is gone" tells the coordinator and the other workers that a
 * killed node is dead well before its heartbeat is late.
 */
export const nodeLockRole = (nodeId: string) => `node:${nodeId}`;

/** The key prefix the SQL below expects as its parameter: `<namespace>:node:`. */
export const nodeLockPrefix = (namespace: string) => `${namespace}:node:`;

/**
 * SQL: whether the node named by `nodeIdSql` holds its lock; `prefixParam` is the placeholder
 * bound to nodeLockPrefix(namespace). Reads pg_locks for the lock's two keys, the way
 * `pg_try_advisory_lock(class, hashtext(key))` records them.
 */
export function nodeLockHeldSql(prefixParam: string, nodeIdSql: string): string {
  return `EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND classid = ${ADVISORY_LOCK_CLASS.election}::oid AND objid = (hashtext(${prefixParam} || ${nodeIdSql})::bigint & 4294967295)::oid)`;
}
