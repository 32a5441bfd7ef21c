import { useEffect, useRef, useState } from 'react';
import { AdminApi, AdminApiError } from '../api/admin-api';
import type { RebuildRunItem } from '../api/admin-types';

/**
 * After a completed online rebuild the table it replaced is kept for a while: switching readers
 * back to it is one click and a confirmation. The projection pauses only for the switch, then
 * catches up on what came since.
 */
export function RollbackRun({ api, run }: { api: AdminApi; run: RebuildRunItem }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; text: string } | undefined>();
  const confirmRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  const rollBack = async () => {
    setBusy(true);
    try {
      const { pauseMs } = await api.rollback(run.projection);
      setMessage({ kind: 'ok', text: `${run.projection} rolled back to the table this rebuild replaced (paused ${pauseMs} ms); it catches up on what came since.` });
    } catch (e) {
      const text =
        e instanceof AdminApiError && e.body.error === 'NO_PREVIOUS_TABLE' ? `No previous table of ${run.projection} is kept any more (it expired, or another rebuild replaced it).` : (e as Error).message;
      setMessage({ kind: 'error', text });
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <div className="rollback">
      {confirming ? (
        <p role="alertdialog" aria-label={`Roll ${run.projection} back?`}>
          Readers of {run.projection} go back to the table this rebuild replaced.{' '}
          <button type="button" ref={confirmRef} onClick={rollBack} disabled={busy}>
            Yes, roll back {run.projection}
          </button>{' '}
          <button type="button" className="secondary" onClick={() => setConfirming(false)} disabled={busy}>
            Keep it
          </button>
        </p>
      ) : (
        <p>
          <button type="button" className="secondary" onClick={() => setConfirming(true)} aria-label={`Roll ${run.projection} back`}>
            Roll back…
          </button>
        </p>
      )}
      {message && (
        <p role={message.kind === 'error' ? 'alert' : 'status'} className={message.kind === 'error' ? 'form-error' : 'form-ok'}>
          {message.text}
        </p>
      )}
    </div>
  );
}
