import { quoteIdentifier } from '@projectionist/event-store';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** The durable rebuild history: every run and every transition with its time. */
export class CreateRebuildRuns1732000000002 implements MigrationInterface {
  name = 'CreateRebuildRuns1732000000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier((queryRunner.connection.options as { schema: string }).schema);
    await queryRunner.query(`
      CREATE TABLE ${s}.rebuild_runs (
        id            text        PRIMARY KEY,
        projection    text        NOT NULL,
        phase         text        NOT NULL,
        run           jsonb       NOT NULL,
        requested_at  timestamptz NOT NULL,
        updated_at    timestamptz NOT NULL
      )`);
    // One active run per projection, even if two coordinators disagree for a moment about who leads.
    await queryRunner.query(`
      CREATE UNIQUE INDEX rebuild_runs_one_active ON ${s}.rebuild_runs (projection)
        WHERE phase NOT IN ('Completed', 'Failed', 'Cancelled')`);
    await queryRunner.query(`
      CREATE TABLE ${s}.rebuild_transitions (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        run_id      text        NOT NULL REFERENCES ${s}.rebuild_runs (id),
        transition  jsonb       NOT NULL,
        at          timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier((queryRunner.connection.options as { schema: string }).schema);
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.rebuild_transitions`);
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.rebuild_runs`);
  }
}
