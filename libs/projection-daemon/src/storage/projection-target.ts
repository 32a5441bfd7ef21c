import { quoteIdentifier } from '@projectionist/event-store';
import { Projection, projectionTableNames } from '@projectionist/projections';

/** 'live' is what readers see; 'rebuild' is built beside it and swapped in when caught up. */
export type Slot = 'live' | 'rebuild';

/** A partition of a rebuild: `partition:<index>/<count>`. */
export type PartitionSlot = `partition:${number}/${number}`;
export type CheckpointSlot = Slot | PartitionSlot;

/** Where one run of a projection writes: its table, view and checkpoint row. */
export interface ProjectionTarget {
  readonly projection: Projection;
  readonly slot: Slot;
  /**
   * The checkpoint row its commits move when not the slot's own: a partition of a rebuild writes
   * the rebuild table and moves its partition's checkpoint.
   */
  readonly checkpointSlot?: CheckpointSlot;
  readonly namespace: string;
  /** Unquoted table name within the namespace schema. */
  readonly table: string;
  /** Schema-qualified, quoted table. */
  readonly qualifiedTable: string;
  /** Schema-qualified, quoted stable view readers use. */
  readonly qualifiedView: string;
  readonly schema: string;
}

export function projectionTarget(namespace: string, projection: Projection, slot: Slot): ProjectionTarget {
  const names = projectionTableNames(projection.name, projection.version);
  const table = slot === 'live' ? names.table : names.rebuildTable;
  const schema = quoteIdentifier(namespace);
  return {
    projection,
    slot,
    namespace,
    table,
    schema,
    qualifiedTable: `${schema}.${quoteIdentifier(table)}`,
    qualifiedView: `${schema}.${quoteIdentifier(names.view)}`,
  };
}
