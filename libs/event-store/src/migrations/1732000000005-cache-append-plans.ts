import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

const SIGNATURE = 'append_to_stream(text, text, text, bigint, uuid[], text[], jsonb[], jsonb[])';

/**
 * The append function keeps its statements' plans instead of planning them on every call.
 *
 * It planned each call (`plan_cache_mode = force_custom_plan`) because PL/pgSQL had cached plans
 * made while the table was small: sequential scans for the id check, kept as the table grew.
 * Planning the three statements on every append cost more than running them (3,000 single-event
 * appends in one backend: 1.15–1.78 s planned each time, 0.79–0.90 s with cached plans). With
 * sequential and bitmap scans off for the function, the only cheap plans are the lookups through
 * the unique indexes on event_id and (stream_id, stream_version), whatever the table held when a
 * plan was made, so caching them is safe again.
 */
export class CacheAppendPlans1732000000005 implements MigrationInterface {
  name = 'CacheAppendPlans1732000000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    const fn = `${schemaOf(queryRunner).q}.${SIGNATURE}`;
    await queryRunner.query(`ALTER FUNCTION ${fn} SET plan_cache_mode = auto`);
    await queryRunner.query(`ALTER FUNCTION ${fn} SET enable_seqscan = off`);
    await queryRunner.query(`ALTER FUNCTION ${fn} SET enable_bitmapscan = off`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const fn = `${schemaOf(queryRunner).q}.${SIGNATURE}`;
    await queryRunner.query(`ALTER FUNCTION ${fn} RESET enable_bitmapscan`);
    await queryRunner.query(`ALTER FUNCTION ${fn} RESET enable_seqscan`);
    await queryRunner.query(`ALTER FUNCTION ${fn} SET plan_cache_mode = force_custom_plan`);
  }
}
