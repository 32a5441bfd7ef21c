import { EventMetadata, RecordedEvent } from '../model/recorded-event';

/** Turns an old event shape into the current one on read (the domain-events registry satisfies it). */
export interface EventUpcaster {
  upcast(event: { type: string; data: unknown; schemaVersion: number }): { type: string; data: unknown };
}

export interface EventRow {
  position: number;
  transaction_id: number;
  stream_id: string;
  stream_version: number;
  category: string;
  event_id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  created_at: Date;
}

/** A stored event's type and data in their current shape; events written before versioning are version 1. */
export function upcastStored(upcaster: EventUpcaster, type: string, data: unknown, metadata: EventMetadata): { type: string; data: unknown } {
  return upcaster.upcast({ type, data, schemaVersion: metadata.schemaVersion ?? 1 });
}

export function toRecordedEvent(row: EventRow, upcaster?: EventUpcaster): RecordedEvent {
  let { type, data } = row;
  if (upcaster) ({ type, data } = upcastStored(upcaster, type, data, row.metadata));
  return {
    id: row.event_id,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    position: row.position,
    transactionId: row.transaction_id,
    category: row.category,
    type,
    data,
    metadata: row.metadata,
    createdAt: row.created_at,
  };
}
