import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdentifier } from '@projectionist/event-store';

/**
 * A projection rolled back to an older version: readers stay on `version`, and the versions up to
 * `rolled_back_from` do not move the view back on their own (a newer one, deployed after, does).
 * No row: the newest version that has caught up takes the readers, as before.
 */
export class CreateProjectionLiveVersions1733500000000 implements MigrationInterface {
  name = 'CreateProjectionLiveVersions1733500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier((queryRunner.connection.options as { schema: string }).schema);
    await queryRunner.query(`CREATE TABLE ${s}.projection_live_versions (
      projection text PRIMARY KEY,
      version int NOT NULL,
      rolled_back_from int NOT NULL,
      pinned_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier((queryRunner.connection.options as { schema: string }).schema);
    await queryRunner.query(`DROP TABLE ${s}.projection_live_versions`);
  }
}
