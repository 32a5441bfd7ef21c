import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdentifier } from '@projectionist/event-store';

/**
 * The agent token on each lease: the epoch tells nodes apart, the token the agents of one node
 * and epoch (a rebuild, then the live agent after it), so that only the agent bound last writes.
 */
export class AddProjectionLeaseAgent1732000000005 implements MigrationInterface {
  name = 'AddProjectionLeaseAgent1732000000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier((queryRunner.connection.options as { schema: string }).schema);
    await queryRunner.query(`ALTER TABLE ${s}.projection_leases ADD COLUMN agent text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier((queryRunner.connection.options as { schema: string }).schema);
    await queryRunner.query(`ALTER TABLE ${s}.projection_leases DROP COLUMN agent`);
  }
}
