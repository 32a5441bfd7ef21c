import { types } from 'pg';

const INT8_OID = 20;
const XID8_OID = 5069;
const INT8_ARRAY_OID = 1016;
const TIMESTAMPTZ_OID = 1184;

const TIMESTAMPTZ = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d)(?::?(\d\d))?$/;

/**
 * Twice as fast as pg's general date parser for the one format PostgreSQL sends by default
 * (every event carries created_at, so it is on the feed's hot path); anything else (infinity,
 * BC dates) goes to pg's parser.
 */
export function parseTimestamptz(text: string, fallback: (text: string) => unknown): unknown {
  const match = TIMESTAMPTZ.exec(text);
  return match ? new Date(`${match[1]}T${match[2]}${match[3]}:${match[4] ?? '00'}`) : fallback(text);
}

/** Refuses an integer that would silently lose precision as a JS number. */
export function safeInteger(value: number, text: string | number = value): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`Integer ${text} is beyond Number.MAX_SAFE_INTEGER`);
  return value;
}

/** bigint and xid8 as JS numbers. */
function parseSafeInteger(text: string): number {
  return safeInteger(Number(text), text);
}

/** Type parsers for the event store's pool only (pg's global parsers stay untouched). */
export const eventStoreTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === XID8_OID) return parseSafeInteger;
    const builtIn = (types.getTypeParser as (oid: number, format: string) => (text: string) => unknown)(oid, format ?? 'text');
    if (oid === INT8_ARRAY_OID) return (text: string) => (builtIn(text) as string[]).map(parseSafeInteger);
    if (oid === TIMESTAMPTZ_OID) return (text: string) => parseTimestamptz(text, builtIn);
    return builtIn;
  },
} as unknown as typeof types;

/** created_at as the event store's pool parses it, for values that arrive as text by other means. */
export const parseStoredTimestamptz = eventStoreTypes.getTypeParser(TIMESTAMPTZ_OID) as (text: string) => unknown;
