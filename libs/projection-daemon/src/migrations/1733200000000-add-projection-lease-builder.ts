import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdentifier } from '@projectionist/event-store';

/**
 * A second token on each lease, for the agent that builds a projection beside its live table
 * (an online rebuild): the live agent keeps `agent`, the builder holds `builder`, and each write
 * checks the token of its own role, so both apply at once and a takeover fences out both.
 */
export class AddProjectionLeaseBuilder1733200000000 implements MigrationInterface {
  name = 'AddProjectionLeaseBuilder1733200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier((queryRunner.connection.options as { schema: string }).schema);
    await queryRunner.query(`ALTER TABLE ${s}.projection_leases ADD COLUMN builder text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier((queryRunner.connection.options as { schema: string }).schema);
    await queryRunner.query(`ALTER TABLE ${s}.projection_leases DROP COLUMN builder`);
  }
}
