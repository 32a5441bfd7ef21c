import { RecordedEvent } from '../model/recorded-event';
import { EventUpcaster, upcastStored } from './event-row';
import { parseStoredTimestamptz, safeInteger } from './pg-types';

/**
 * One event as a JSON array, in the order parseJsonPage reads. Every column is NOT NULL, so
 * concat never drops a value; to_json quotes and escapes text. created_at travels as epoch
 * milliseconds (cheaper to write and to read than a date string), infinities as text.
 */
export const JSON_FEED_ROW = `concat('[', e.position, ',', e.transaction_id, ',', to_json(e.stream_id), ',', e.stream_version, ',', to_json(e.category),
  ',"', e.event_id, '",', to_json(e.type), ',', e.data, ',', e.metadata, ',',
  CASE WHEN isfinite(e.created_at) THEN floor(extract(epoch FROM e.created_at) * 1000)::text ELSE to_json(e.created_at)::text END, ']')`;

type JsonRow = [number, number, string, number, string, string, string, unknown, RecordedEvent['metadata'], number | string];

/**
 * Decodes a page the database packed as `[[position, transaction_id, stream_id, stream_version,
 * category, event_id, type, data, metadata, created_at], ...]`. Integers travel as JSON numbers,
 * so one beyond 2^53 would arrive rounded: it is refused, as the row decoder refuses it.
 */
export function parseJsonPage(json: string, upcaster?: EventUpcaster): RecordedEvent[] {
  const rows = JSON.parse(json) as JsonRow[];
  const events = new Array<RecordedEvent>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    let type = r[6];
    let data = r[7];
    const metadata = r[8];
    if (upcaster) ({ type, data } = upcastStored(upcaster, type, data, metadata));
    events[i] = {
      id: r[5],
      streamId: r[2],
      streamVersion: safeInteger(r[3]),
      position: safeInteger(r[0]),
      transactionId: safeInteger(r[1]),
      category: r[4],
      type,
      data,
      metadata,
      createdAt: toDate(r[9]),
    };
  }
  return events;
}

/** Epoch milliseconds, or an infinity as text, parsed as a row read parses it. */
function toDate(value: number | string): Date {
  return typeof value === 'number' ? new Date(value) : (parseStoredTimestamptz(value) as Date);
}
