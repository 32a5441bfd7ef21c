import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdentifier } from '@projectionist/event-store';

/**
 * The rebuild run a checkpoint belongs to. On a `rebuild` slot: the online run building it, so
 * that the next lease holder resumes that run from this checkpoint, and only that run. On a
 * `live` slot: the run whose switch put it there, so that a run resumed after its switch
 * committed (its worker died before saying so) is known to be complete.
 */
export class AddCheckpointRebuildRun1733300000000 implements MigrationInterface {
  name = 'AddCheckpointRebuildRun1733300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier((queryRunner.connection.options as { schema: string }).schema);
    await queryRunner.query(`ALTER TABLE ${s}.projection_checkpoints ADD COLUMN run_id text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier((queryRunner.connection.options as { schema: string }).schema);
    await queryRunner.query(`ALTER TABLE ${s}.projection_checkpoints DROP COLUMN run_id`);
  }
}
