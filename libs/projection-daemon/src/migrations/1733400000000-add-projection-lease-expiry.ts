import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdentifier } from '@projectionist/event-store';

/**
 * How long a lease holds without renewal, for distributed agents: a node renews the leases of
 * its agents with its heartbeat, and another node may claim one only once it has expired, been
 * released, or its holder's liveness lock is gone. HotCold leaves it NULL (the daemon lock is
 * its liveness signal).
 */
export class AddProjectionLeaseExpiry1733400000000 implements MigrationInterface {
  name = 'AddProjectionLeaseExpiry1733400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier((queryRunner.connection.options as { schema: string }).schema);
    await queryRunner.query(`ALTER TABLE ${s}.projection_leases ADD COLUMN expires_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier((queryRunner.connection.options as { schema: string }).schema);
    await queryRunner.query(`ALTER TABLE ${s}.projection_leases DROP COLUMN expires_at`);
  }
}
