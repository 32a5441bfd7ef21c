import { MigrationInterface, QueryRunner } from 'typeorm';
import { advisoryLockArgs } from '../locks/advisory-locks';
import { schemaOf } from './schema-of';

/**
 * The append function again, with two changes:
 * - its stream lock is in the streams' own advisory-lock key space (locks/advisory-locks.ts); the
 *   first version hashed `<namespace>:<stream id>` into the key the election and migration locks
 *   use, so an append to a stream named like one of them waited for it;
 * - re-appending recorded event ids is idempotent only when every event has the same type, data
 *   and metadata (compared as jsonb, so key order does not matter); otherwise it answers
 *   `content_conflict`, where the first version answered `idempotent` and dropped the new content.
 */
export class ReviseAppendToStream1732000000004 implements MigrationInterface {
  name = 'ReviseAppendToStream1732000000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION ${s.q}.append_to_stream(
        p_stream_id text, p_category text, p_expected_kind text, p_expected bigint,
        p_event_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb[]
      ) RETURNS TABLE (status text, stream_version bigint, positions bigint[], transaction_id xid8, created_at timestamptz)
      LANGUAGE plpgsql
      -- PL/pgSQL would otherwise cache plans made while the table was small (sequential scans
      -- for the id check) and keep them as it grows: throughput fell 4× within 100,000 events.
      SET plan_cache_mode = force_custom_plan
      AS $fn$
      DECLARE
        v_found int;
        v_found_here int;
        v_changed int;
        v_version bigint;
        v_last_tx xid8;
      BEGIN
        -- An advisory lock, not a row lock: it does not assign a transaction id, so the id
        -- assigned by the insert below is younger than that of every earlier append to the stream.
        -- In the streams' own key space: no stream id can name an election or migration lock.
        PERFORM pg_advisory_xact_lock(${advisoryLockArgs('stream', `${s.literal} || ':' || p_stream_id`)});

        SELECT count(*), count(*) FILTER (WHERE e.stream_id = p_stream_id)
          INTO v_found, v_found_here
          FROM ${s.q}.events e WHERE e.event_id = ANY (p_event_ids);
        IF v_found > 0 THEN
          IF v_found_here = cardinality(p_event_ids) THEN
            SELECT count(*) INTO v_changed
              FROM ${s.q}.events e
              JOIN unnest(p_event_ids, p_types, p_data, p_metadata) AS i(id, type, data, meta) ON e.event_id = i.id
             WHERE e.type <> i.type OR e.data <> i.data OR e.metadata <> i.meta;
            IF v_changed > 0 THEN
              RETURN QUERY SELECT 'content_conflict'::text, NULL::bigint, NULL::bigint[], NULL::xid8, NULL::timestamptz;
              RETURN;
            END IF;
            RETURN QUERY
              SELECT 'idempotent'::text, max(e.stream_version), array_agg(e.position ORDER BY e.stream_version),
                     max(e.transaction_id), max(e.created_at)
                FROM ${s.q}.events e WHERE e.stream_id = p_stream_id AND e.event_id = ANY (p_event_ids);
          ELSE
            RETURN QUERY SELECT 'duplicate_event_id'::text, NULL::bigint, NULL::bigint[], NULL::xid8, NULL::timestamptz;
          END IF;
          RETURN;
        END IF;

        SELECT e.stream_version, e.transaction_id INTO v_version, v_last_tx
          FROM ${s.q}.events e WHERE e.stream_id = p_stream_id
          ORDER BY e.stream_version DESC LIMIT 1;
        v_version := coalesce(v_version, 0);
        IF (p_expected_kind = 'exact' AND v_version <> p_expected)
           OR (p_expected_kind = 'no_stream' AND v_version <> 0)
           OR (p_expected_kind = 'stream_exists' AND v_version = 0) THEN
          RETURN QUERY SELECT 'conflict'::text, v_version, NULL::bigint[], NULL::xid8, NULL::timestamptz;
          RETURN;
        END IF;
        -- Only possible when the caller's transaction wrote before appending (it already has an
        -- older id than the stream's last writer): appending would break the stream's feed order.
        IF v_last_tx IS NOT NULL AND v_last_tx > pg_current_xact_id() THEN
          RETURN QUERY SELECT 'order_conflict'::text, v_version, NULL::bigint[], NULL::xid8, NULL::timestamptz;
          RETURN;
        END IF;

        RETURN QUERY
          WITH inserted AS (
            INSERT INTO ${s.q}.events (stream_id, stream_version, category, event_id, type, data, metadata)
            SELECT p_stream_id, v_version + i.ord, p_category, i.id, i.type, i.data, i.meta
              FROM unnest(p_event_ids, p_types, p_data, p_metadata) WITH ORDINALITY AS i(id, type, data, meta, ord)
            RETURNING events.position, events.stream_version, events.transaction_id, events.created_at
          )
          SELECT 'ok'::text, max(inserted.stream_version), array_agg(inserted.position ORDER BY inserted.stream_version),
                 max(inserted.transaction_id), max(inserted.created_at)
            FROM inserted;
      END
      $fn$`);
  }

  /** Nothing to undo: the revised function keeps the signature and the answers of the first one. */
  async down(): Promise<void> {
    return undefined;
  }
}
