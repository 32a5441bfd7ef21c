import { MigrationInterface, QueryRunner } from 'typeorm';
import { advisoryLockArgs } from '../locks/advisory-locks';
import { CacheAppendPlans1732000000005 } from './1732000000005-cache-append-plans';
import { ReviseAppendToStream1732000000004 } from './1732000000004-revise-append-to-stream';
import { schemaOf } from './schema-of';

/** The append function's signature from this migration on; the 8-argument one stays for older callers. */
export const APPEND_TO_STREAM_SIGNATURE = 'append_to_stream(text, text, text, bigint, uuid[], text[], jsonb[], jsonb[], boolean)';
const OLD_SIGNATURE = 'append_to_stream(text, text, text, bigint, uuid[], text[], jsonb[], jsonb[])';

/**
 * The append function learns whether the event ids may already be recorded (`p_ids_may_exist`),
 * and inserts a single event without the batch's CTE.
 *
 * Looking the ids up is what makes re-sending an append idempotent, and it is a fifth of the
 * server's cost of a single-event append (pgbench, 8 clients: 7,500 calls/s with the lookup,
 * 9,600 without). Ids the store generated (random UUIDs) were never recorded, so an append of
 * only such ids skips it; were one recorded after all, the unique index refuses the insert and
 * the caller gets the same duplicate-id error. The 8-argument function becomes a call of this
 * one that always looks: a process not yet upgraded keeps its answers.
 */
export class SkipIdCheckForNewIds1734000000000 implements MigrationInterface {
  name = 'SkipIdCheckForNewIds1734000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE FUNCTION ${s.q}.append_to_stream(
        p_stream_id text, p_category text, p_expected_kind text, p_expected bigint,
        p_event_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb[], p_ids_may_exist boolean
      ) RETURNS TABLE (status text, stream_version bigint, positions bigint[], transaction_id xid8, created_at timestamptz)
      LANGUAGE plpgsql
      -- Cached plans, safe because only index lookups are cheap (see CacheAppendPlans1732000000005).
      SET plan_cache_mode = auto
      SET enable_seqscan = off
      SET enable_bitmapscan = off
      AS $fn$
      DECLARE
        v_found int := 0;
        v_found_here int;
        v_changed int;
        v_version bigint;
        v_last_tx xid8;
        v_position bigint;
        v_transaction xid8;
        v_created timestamptz;
      BEGIN
        -- An advisory lock, not a row lock: it does not assign a transaction id, so the id
        -- assigned by the insert below is younger than that of every earlier append to the stream.
        PERFORM pg_advisory_xact_lock(${advisoryLockArgs('stream', `${s.literal} || ':' || p_stream_id`)});

        IF p_ids_may_exist THEN
          SELECT count(*), count(*) FILTER (WHERE e.stream_id = p_stream_id)
            INTO v_found, v_found_here
            FROM ${s.q}.events e WHERE e.event_id = ANY (p_event_ids);
        END IF;
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

        -- One event (most commands): a plain INSERT … RETURNING INTO, without the CTE and the
        -- aggregate a batch needs (pgbench, 8 clients, three rounds: 8,787–9,689 calls/s → 9,549–10,359).
        IF cardinality(p_event_ids) = 1 THEN
          INSERT INTO ${s.q}.events (stream_id, stream_version, category, event_id, type, data, metadata)
          VALUES (p_stream_id, v_version + 1, p_category, p_event_ids[1], p_types[1], p_data[1], p_metadata[1])
          RETURNING events.position, events.transaction_id, events.created_at INTO v_position, v_transaction, v_created;
          RETURN QUERY SELECT 'ok'::text, v_version + 1, ARRAY[v_position], v_transaction, v_created;
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
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION ${s.q}.append_to_stream(
        p_stream_id text, p_category text, p_expected_kind text, p_expected bigint,
        p_event_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb[]
      ) RETURNS TABLE (status text, stream_version bigint, positions bigint[], transaction_id xid8, created_at timestamptz)
      LANGUAGE sql
      AS $fn$
        SELECT * FROM ${s.q}.append_to_stream(p_stream_id, p_category, p_expected_kind, p_expected, p_event_ids, p_types, p_data, p_metadata, true)
      $fn$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    // The 8-argument function is a different language now: dropped and made as before.
    await queryRunner.query(`DROP FUNCTION ${s.q}.${OLD_SIGNATURE}`);
    await queryRunner.query(`DROP FUNCTION ${s.q}.${APPEND_TO_STREAM_SIGNATURE}`);
    await new ReviseAppendToStream1732000000004().up(queryRunner);
    await new CacheAppendPlans1732000000005().up(queryRunner);
  }
}
