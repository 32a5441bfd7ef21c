import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdentifier } from '@projectionist/event-store';

/**
 * Which session holds the feed back, as the active worker last saw it, so that the gateways can
 * show it (admin API, a read-your-writes timeout) without asking pg_stat_activity themselves.
 */
export class AddFeedHoldBackToProgress1733100000000 implements MigrationInterface {
  name = 'AddFeedHoldBackToProgress1733100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier((queryRunner.connection.options as { schema: string }).schema);
    await queryRunner.query(`ALTER TABLE ${s}.projection_progress ADD COLUMN held_back jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier((queryRunner.connection.options as { schema: string }).schema);
    await queryRunner.query(`ALTER TABLE ${s}.projection_progress DROP COLUMN IF EXISTS held_back`);
  }
}
