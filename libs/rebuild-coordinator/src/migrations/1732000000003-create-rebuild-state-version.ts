import { quoteIdentifier } from '@projectionist/event-store';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One number that grows with every change to any rebuild run: a node checks the snapshot shared
 * in Redis against it with a one-row read instead of reading the runs again.
 */
export class CreateRebuildStateVersion1732000000003 implements MigrationInterface {
  name = 'CreateRebuildStateVersion1732000000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier((queryRunner.connection.options as { schema: string }).schema);
    // A single row: the CHECK keeps a second one out, so `SELECT version` always means this one.
    await queryRunner.query(`
      CREATE TABLE ${s}.rebuild_state (
        singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        version    bigint  NOT NULL
      )`);
    await queryRunner.query(`INSERT INTO ${s}.rebuild_state (version) VALUES (0)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier((queryRunner.connection.options as { schema: string }).schema);
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.rebuild_state`);
  }
}
