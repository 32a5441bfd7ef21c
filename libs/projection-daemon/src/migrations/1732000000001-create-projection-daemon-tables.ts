import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdentifier } from '@projectionist/event-store';

/**
 * The daemon's bookkeeping. Read-model tables themselves are created at run time per
 * projection version (storage/projection-tables.ts), since projections are defined in code.
 */
export class CreateProjectionDaemonTables1732000000001 implements MigrationInterface {
  name = 'CreateProjectionDaemonTables1732000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier((queryRunner.connection.options as { schema: string }).schema);
    // One row per projection version and slot ('live', or 'rebuild' while one runs): the feed
    // cursor the slot's table reflects, updated in the same transaction as the table.
    await queryRunner.query(`
      CREATE TABLE ${s}.projection_checkpoints (
        projection     text        NOT NULL,
        version        int         NOT NULL,
        slot           text        NOT NULL,
        cursor_tx      bigint      NOT NULL DEFAULT 0,
        cursor_pos     bigint      NOT NULL DEFAULT 0,
        last_position  bigint      NOT NULL DEFAULT 0,
        state          text        NOT NULL DEFAULT 'running',
        error          jsonb,
        updated_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (projection, version, slot)
      )`);
    // The fence: a worker may only commit while the epoch it was granted is current. Taking over
    // bumps the epoch; commits hold the row FOR SHARE, so a takeover waits for them to finish.
    await queryRunner.query(`
      CREATE TABLE ${s}.projection_leases (
        projection   text        PRIMARY KEY,
        epoch        bigint      NOT NULL,
        holder       text        NOT NULL,
        acquired_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE ${s}.projection_dead_letters (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        projection      text        NOT NULL,
        version         int         NOT NULL,
        event_position  bigint      NOT NULL,
        event_id        uuid        NOT NULL,
        event_type      text        NOT NULL,
        stream_id       text        NOT NULL,
        error           text        NOT NULL,
        attempts        int         NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
    // Written by the active worker about once a second, so that other apps can show progress.
    await queryRunner.query(`
      CREATE TABLE ${s}.projection_progress (
        projection         text             NOT NULL,
        version            int              NOT NULL,
        node_id            text             NOT NULL,
        state              text             NOT NULL,
        position           bigint           NOT NULL,
        head               bigint           NOT NULL,
        lag_events         bigint           NOT NULL,
        lag_ms             bigint           NOT NULL,
        events_per_second  double precision NOT NULL,
        rebuild            jsonb,
        updated_at         timestamptz      NOT NULL DEFAULT now(),
        PRIMARY KEY (projection, version)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier((queryRunner.connection.options as { schema: string }).schema);
    for (const table of ['projection_progress', 'projection_dead_letters', 'projection_leases', 'projection_checkpoints']) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${s}.${table}`);
    }
  }
}
