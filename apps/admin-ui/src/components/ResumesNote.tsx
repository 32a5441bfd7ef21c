import type { RebuildRunItem } from '../api/admin-types';
import { formatCount, formatTime } from '../logic/format';

/**
 * An online run whose worker died goes on from its checkpoint on the next one: each time, which
 * worker was lost, in which phase, how far it had got, and who took the run over.
 */
export function ResumesNote({ run }: { run: RebuildRunItem }) {
  const resumes = run.resumes ?? [];
  if (resumes.length === 0) return null;
  return (
    <ul className="resumes" data-testid="run-resumes" aria-label={`Resumes of the rebuild of ${run.projection}`}>
      {resumes.map((r) => (
        <li key={r.lostAt}>
          {r.lostWorker} lost at {formatTime(r.lostAt)} while {r.phase}
          {r.processedAtLoss !== null ? ` (${formatCount(r.processedAtLoss)} events done)` : ''}
          {r.resumedBy ? ` · resumed by ${r.resumedBy} from its checkpoint` : ' · waiting for a worker to resume it'}
        </li>
      ))}
    </ul>
  );
}
