import type { RebuildRunItem } from '../api/admin-types';
import { formatCount } from '../logic/format';

/**
 * A partitioned run's build: each partition with the worker building it and how far it got;
 * a partition whose worker was lost waits for another, which goes on from its checkpoint.
 */
export function PartitionsNote({ run }: { run: RebuildRunItem }) {
  const partitions = run.partitions ?? [];
  if (partitions.length === 0) return null;
  return (
    <ul className="partitions" data-testid="run-partitions" aria-label={`Partitions of the rebuild of ${run.projection}`}>
      {partitions.map((p) => (
        <li key={p.index}>
          Partition {p.index + 1}/{partitions.length}
          {p.worker ? ` on ${p.worker}` : p.done ? '' : ' · waiting for a worker'}
          {p.progress ? ` · ${formatCount(p.progress.processed)} / ${formatCount(p.progress.total)} events` : ''}
          {p.done ? ' · built' : ''}
          {p.losses > 0 ? ` · ${p.losses} worker${p.losses === 1 ? '' : 's'} lost, resumed from its checkpoint` : ''}
        </li>
      ))}
    </ul>
  );
}
