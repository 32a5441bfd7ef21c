import { SubscriptionLogger } from '../subscription/error-policy';
import type { BatchStorage } from '../storage/batch-storage';
import { inFencedTransaction } from '../storage/fenced-transaction';
import { LeaseHold, LeaseLostError } from '../storage/lease-fence';
import { pointLiveView } from '../storage/projection-tables';
import { Running } from './projection-run';

/**
 * A new version of a projection is built in its own table while readers keep the version they
 * had (see LiveSlot.viewPending). Once its agent has caught up, the stable view moves to it in
 * one fenced transaction: readers see the old complete table until the commit and the new
 * complete one after. A switch that fails is tried again the next time the agent is caught up;
 * a lost lease leaves the switch to the next holder, which finds the view pending too.
 */
export async function switchReadersWhenCaughtUp(run: Running, hold: LeaseHold, storage: BatchStorage, namespace: string, logger: SubscriptionLogger): Promise<void> {
  if (!run.viewPending || run.switchingView) return;
  run.switchingView = true;
  try {
    await inFencedTransaction(storage, hold, (client) => pointLiveView(client, namespace, run.projection), { ddl: namespace });
    run.viewPending = false;
    logger.log({ msg: 'readers moved to the new version', projection: run.projection.name, version: run.projection.version }, 'ProjectionDaemon');
  } catch (error) {
    if (!(error instanceof LeaseLostError)) {
      logger.warn(`could not move the readers of ${run.projection.name} to version ${run.projection.version}: ${(error as Error).message}`, 'ProjectionDaemon');
    }
  } finally {
    run.switchingView = false;
  }
}
