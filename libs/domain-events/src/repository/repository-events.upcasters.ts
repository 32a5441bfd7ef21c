import type { Upcaster } from '../registry/upcaster';
import type { CommitPushed, CommitPushedV1 } from './repository-events.schemas';

/**
 * CommitPushed v1 → v2. Version 1 named the counts `linesAdded`/`linesRemoved`; version 2 uses
 * `additions`/`deletions`, the words git hosts use and the read models expose. Stored events are
 * immutable, so instead of rewriting old rows we translate them each time they are read.
 */
export const commitPushedV1ToV2: Upcaster<CommitPushedV1> = {
  type: 'CommitPushed',
  fromVersion: 1,
  upcast: ({ userName, linesAdded, linesRemoved }) => {
    const data: CommitPushed = { userName, additions: linesAdded, deletions: linesRemoved };
    return { data };
  },
};

export const repositoryUpcasters = [commitPushedV1ToV2] as const;
