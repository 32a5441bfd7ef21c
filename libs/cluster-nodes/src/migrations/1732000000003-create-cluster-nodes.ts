import { quoteIdentifier } from '@projectionist/event-store';
import { MigrationInterface, QueryRunner } from 'typeorm';

/** Every node of the deployment with its last heartbeat: what operators see in GET /api/admin/nodes. */
export class CreateClusterNodes1732000000003 implements MigrationInterface {
  name = 'CreateClusterNodes1732000000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier((queryRunner.connection.options as { schema: string }).schema);
    await queryRunner.query(`
      CREATE TABLE ${s}.cluster_nodes (
        node_id       text        PRIMARY KEY,
        app           text        NOT NULL,
        role          text        NOT NULL,
        host          text        NOT NULL,
        pid           integer     NOT NULL,
        port          integer     NOT NULL,
        details       jsonb       NOT NULL DEFAULT '{}',
        started_at    timestamptz NOT NULL,
        heartbeat_at  timestamptz NOT NULL,
        interval_ms   integer     NOT NULL,
        stopped_at    timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier((queryRunner.connection.options as { schema: string }).schema);
    await queryRunner.query(`DROP TABLE ${s}.cluster_nodes`);
  }
}
