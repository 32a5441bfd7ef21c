import type { CommitPushed } from '@projectionist/domain-events';
import { EntitySchema } from 'typeorm';
import { flatTable } from '../flat-table/flat-table';
import { FlatTableProjection } from '../model/projection-definition';

export interface CommitRow extends Record<string, unknown> {
  event_id: string;
  project_id: string;
  user_name: string;
  additions: number;
  deletions: number;
  position: number;
  committed_at: Date;
}

export const commitEntity = (tableName: string) =>
  new EntitySchema<CommitRow>({
    name: tableName,
    tableName,
    columns: {
      event_id: { type: 'uuid', primary: true },
      project_id: { type: 'text' },
      user_name: { type: 'text' },
      additions: { type: 'int' },
      deletions: { type: 'int' },
      position: { type: 'bigint' },
      committed_at: { type: 'timestamptz' },
    },
  });

/** One row per CommitPushed in a plain relational table, for SQL reporting. */
export const commitsProjection: FlatTableProjection<CommitRow> = {
  kind: 'flat-table',
  name: 'Commits',
  version: 1,
  mode: 'async',
  eventTypes: ['CommitPushed'],
  table: flatTable(commitEntity as (tableName: string) => EntitySchema),
  project: (event) => {
    const data = event.data as CommitPushed;
    return [
      {
        event_id: event.id,
        project_id: event.streamId,
        user_name: data.userName,
        additions: data.additions,
        deletions: data.deletions,
        position: event.position,
        committed_at: event.createdAt,
      },
    ];
  },
};
