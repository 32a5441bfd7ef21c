import { RecordedEvent } from '@projectionist/event-store';
import { ProjectionHandlerError, ProjectionTransaction } from '@projectionist/projections';
import { PoolClient } from 'pg';
import { insertRows } from '../storage/flat-table';
import { ProjectionTarget } from '../storage/projection-target';
import { applyDocumentsIn } from './document-batch-session';

/** A custom projection's handler threw for a batch; which event is unknown until it is split. */
export class BatchHandlerError extends Error {
  constructor(
    readonly projection: string,
    override readonly cause: unknown,
  ) {
    super(`Projection ${projection} failed on a batch: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'BatchHandlerError';
  }
}

/**
 * Applies events to a projection's table inside the caller's transaction, whatever the kind:
 * the daemon's batches and inline projections share it.
 */
export async function writeProjectionBatch(client: PoolClient, target: ProjectionTarget, events: readonly RecordedEvent[]): Promise<void> {
  const projection = target.projection;
  const table = target.qualifiedTable;
  switch (projection.kind) {
    case 'document':
      return applyDocumentsIn(client, target, events);
    case 'flat-table': {
      const rows = events.flatMap((event) => {
        try {
          return projection.project(event);
        } catch (error) {
          throw new ProjectionHandlerError(projection.name, event, error);
        }
      });
      await insertRows(client, table, projection, rows);
      return;
    }
    case 'custom': {
      const tx: ProjectionTransaction = { table, query: async (sql, params) => client.query(sql, params as unknown[]) as never };
      try {
        await projection.handle(events, tx);
      } catch (error) {
        throw new BatchHandlerError(projection.name, error);
      }
      return;
    }
  }
}
