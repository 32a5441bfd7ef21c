/** Node's socket errors that mean the database (or the network to it) is away for now. */
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
/** SQLSTATE classes of a database that is restarting, overloaded or resolving a conflict: 08 connection, 40 rollback, 53 resources, 57 operator intervention. */
const TRANSIENT_SQLSTATE_CLASSES = new Set(['08', '40', '53', '57']);

/**
 * True for a failure that says nothing about the events (the database restarting, too many
 * connections, a dropped socket): a reactor retries such a call for as long as it takes instead
 * of spending the handler's budget on it and parking good events in the dead letters.
 */
export function isTransientError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (SOCKET_ERRORS.has(code) || (/^[0-9A-Z]{5}$/.test(code) && TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2))))) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(String((error as { message?: unknown }).message ?? ''));
}
