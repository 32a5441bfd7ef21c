import { SubscriptionLogger } from '../subscription/error-policy';
import type { BatchStorage } from '../storage/batch-storage';
import { inFencedTransaction } from '../storage/fenced-transaction';
import { LeaseHold, LeaseLostError } from '../storage/lease-fence';
import { readVersionState, unpinVersionIn } from '../storage/live-version';
import { pointLiveView } from '../storage/projection-tables';
import { mayTakeReaders } from './version-rules';
import { Running } from './projection-run';

/**
 * A new version of a projection is built in its own table while readers keep the version they
 * had (see LiveSlot.viewPending). Once its agent has caught up, the stable view moves to it in
 * one fenced transaction: readers see the old complete table until the commit and the new
 * complete one after. A switch that fails is tried again the next time the agent is caught up;
 * a lost lease leaves the switch to the next holder, which finds the view pending too. Only a
 * newer version than the one read, and not one a rollback left, moves the view (mayTakeReaders).
 */
export async function switchReadersWhenCaughtUp(run: Running, hold: LeaseHold, storage: BatchStorage, namespace: string, logger: SubscriptionLogger): Promise<void> {
  if (!run.viewPending || run.switchingView) return;
  run.switchingView = true;
  try {
    const { name, version } = run.projection;
    // Decided again under the DDL lock, which every change of the view takes: another version may
    // have taken the readers, or a rollback pinned them, since this agent started.
    const reading = await inFencedTransaction(
      storage,
      hold,
      async (client) => {
        const state = await readVersionState(client, namespace, name);
        if (!mayTakeReaders(version, state.reading, state.pin)) return state.reading;
        await pointLiveView(client, namespace, run.projection);
        if (state.pin) await unpinVersionIn(client, namespace, name);
        return version;
      },
      { ddl: namespace },
    );
    run.viewPending = false;
    if (reading === version) logger.log({ msg: 'readers moved to the new version', projection: name, version }, 'ProjectionDaemon');
    else logger.log({ msg: 'readers stay on another version', projection: name, version, reading }, 'ProjectionDaemon');
  } catch (error) {
    if (!(error instanceof LeaseLostError)) {
      logger.warn(`could not move the readers of ${run.projection.name} to version ${run.projection.version}: ${(error as Error).message}`, 'ProjectionDaemon');
    }
  } finally {
    run.switchingView = false;
  }
}
