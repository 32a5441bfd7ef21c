import { agentKey } from '@projectionist/cluster-nodes';
import { NoPreviousTableError } from '../rebuild/previous-table';
import { inFencedTransaction } from '../storage/fenced-transaction';
import { leaseLive, pinVersionIn, readVersionState, unpinVersionIn } from '../storage/live-version';
import { pointLiveView } from '../storage/projection-tables';
import { AgentControl, rollBack } from './rebuild-control';
import { Running } from './projection-run';
import { rollbackPlan } from './version-rules';

/** The version a rollback would switch readers to runs on no node: its table is not kept up to date. */
export class VersionNotRunningError extends Error {
  readonly code = 'VERSION_NOT_RUNNING';
  constructor(
    readonly projection: string,
    readonly version: number,
  ) {
    super(`Version ${version} of ${projection} runs on no worker now, so its table is not current; readers stay where they are`);
    this.name = 'VersionNotRunningError';
  }
}

export type RollbackOutcome = { readonly kind: 'rebuild' } | { readonly kind: 'switched'; readonly version: number; readonly pauseMs: number };

/**
 * A rollback request as this node sees it (see rollbackPlan): `undefined` when another node's
 * version does it. The switch between versions is done by the holder of the version readers go
 * to, whose agent keeps running: its table is current because it runs, and the view moves in one
 * fenced transaction under the projection's DDL lock, with the pin that keeps the newer version
 * from moving the view back on its own (or, undoing a rollback, without it). When no node runs
 * the version readers would go to, the holder of the version they read refuses: switching to a
 * table nobody updates would serve stale reads.
 */
export async function planRollback(control: AgentControl, run: Running): Promise<RollbackOutcome | undefined> {
  const { storage, namespace } = control;
  const { name, version } = run.projection;
  const plan = rollbackPlan(await readVersionState(storage.pool, namespace, name));
  if (plan.by !== version) {
    if ((plan.kind === 'version' || plan.kind === 'undo') && plan.from === version && !(await leaseLive(storage.pool, namespace, agentKey(name, plan.by)))) {
      throw new VersionNotRunningError(name, plan.by);
    }
    return undefined;
  }
  if (plan.kind === 'none') throw new NoPreviousTableError(name);
  if (plan.kind === 'rebuild') return { kind: 'rebuild' };
  const hold = run.agent?.hold;
  if (!hold) throw new VersionNotRunningError(name, version);
  const started = Date.now();
  await inFencedTransaction(
    storage,
    hold,
    async (client) => {
      // As the swap: give up rather than stall the readers queued behind the view's lock.
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(control.tuning.swapLockTimeoutMs))}`);
      const { reading } = await readVersionState(client, namespace, name);
      if (reading !== plan.from) throw new Error(`readers of ${name} moved to version ${reading} meanwhile; ask again`);
      await pointLiveView(client, namespace, run.projection);
      if (plan.kind === 'version') await pinVersionIn(client, namespace, name, { version, rolledBackFrom: plan.from });
      else await unpinVersionIn(client, namespace, name);
    },
    { ddl: namespace },
  );
  run.viewPending = false;
  control.logger.log({ msg: plan.kind === 'version' ? 'readers rolled back to this version' : 'version rollback undone', projection: name, version, from: plan.from }, 'ProjectionDaemon');
  return { kind: 'switched', version, pauseMs: Date.now() - started };
}

/**
 * A rollback request on a node that holds `run`'s lease: the switch between versions when this
 * node's version is the one readers go to, else the live version's kept rebuild table
 * (rollBack); undefined when another node's version does it.
 */
export async function rollBackOnThisNode(control: AgentControl, run: Running, term: number): Promise<{ pauseMs: number; version: number } | undefined> {
  const outcome = await planRollback(control, run);
  if (outcome === undefined) return undefined;
  if (outcome.kind === 'switched') return outcome;
  return { ...(await rollBack(control, run, term)), version: run.projection.version };
}
