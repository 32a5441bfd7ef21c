import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdentifier } from '@projectionist/event-store';

/**
 * A partitioned rebuild's partitions are checkpoint rows (`partition:<index>/<count>` slots) of
 * their own. `holder`: the token of the worker building the partition now; its commits check it,
 * and a worker taking the partition over replaces it, fencing out the one before. `target_tx`,
 * `target_pos`: the cursor every partition builds up to (the head when the rebuild began).
 */
export class AddCheckpointPartition1733600000000 implements MigrationInterface {
  name = 'AddCheckpointPartition1733600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier((queryRunner.connection.options as { schema: string }).schema);
    await queryRunner.query(`ALTER TABLE ${s}.projection_checkpoints ADD COLUMN holder text, ADD COLUMN target_tx bigint, ADD COLUMN target_pos bigint`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier((queryRunner.connection.options as { schema: string }).schema);
    await queryRunner.query(`ALTER TABLE ${s}.projection_checkpoints DROP COLUMN holder, DROP COLUMN target_tx, DROP COLUMN target_pos`);
  }
}
