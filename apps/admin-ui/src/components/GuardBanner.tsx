import type { RebuildRunItem } from '../api/admin-types';
import { percent } from '../logic/format';

/** On every screen while a blocking rebuild holds writes at the gateways. */
export function GuardBanner({ run }: { run: RebuildRunItem | undefined }) {
  return (
    <div aria-live="polite" className="guard-slot">
      {run && (
        <div className="guard-banner" role="status" data-testid="guard-banner">
          <strong>
            <span aria-hidden="true">⚠ </span>Writes are held
          </strong>{' '}
          while <b>{run.projection}</b> is rebuilt ({run.phase}
          {run.progress ? `, ${percent(run.progress.processed, run.progress.total) ?? 0} %` : ''}). Domain writes get 503 with Retry-After; reads and the
          admin API go on.
        </div>
      )}
    </div>
  );
}
