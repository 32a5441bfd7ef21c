/**
 * Apart from the daemon, which decides when a projection's live agent may run (its term, the epoch
 * it holds, no rebuild under way): what one run of that agent goes through. It is bound to a fresh
 * token on the lease before it writes, started again later while the database does not answer,
 * and, stopped on an error, leaves that error recorded under its lease for operators to see.
 */
import { WakeSignal } from '@projectionist/event-store';
import { DEFAULT_RETRY } from '@projectionist/projections';
import { AgentOutcome, CommitSummary } from '../agent/projection-agent';
import { inFencedTransaction } from '../storage/fenced-transaction';
import { LeaseLostError } from '../storage/lease-fence';
import { prepareLiveSlot } from '../storage/live-slot';
import { retryDelayMs } from '../subscription/retry-delay';
import { LiveAgentDeps, newLiveAgent } from './live-agent';
import { Running } from './projection-run';

/** What a live agent's start and end need of the daemon. */
export interface LiveAgentHost extends LiveAgentDeps {
  /** Whether `term` is still the daemon's current one: nothing of an ended term starts an agent. */
  inTerm(term: number): boolean;
  startAgent(run: Running, term: number): Promise<void>;
  newWake(): WakeSignal;
  dropWake(wake: WakeSignal): void;
  onCommitted(run: Running, summary: CommitSummary): void;
  /** The lease is another holder's: the daemon gives the projection up. */
  leaseLost(run: Running, reason: string): void;
}

/** Starts the live agent of `run` for `term`, bound to a fresh token on the lease (see prepareLiveSlot). */
export async function bindAndStart(host: LiveAgentHost, run: Running, term: number): Promise<void> {
  if (run.epoch === 0) return;
  const hold = host.storage.fence.newHold(run.projection.name, run.epoch);
  let slot;
  try {
    slot = await prepareLiveSlot(host.storage, host.namespace, run.projection, hold);
  } catch (error) {
    if (error instanceof LeaseLostError) return host.leaseLost(run, error.message);
    retryStart(host, run, term, error as Error);
    return;
  }
  const { checkpoint, viewPending } = slot;
  run.startFailures = 0;
  run.viewPending = viewPending;
  run.lastPosition = checkpoint.lastPosition;
  if (checkpoint.state === 'error') {
    // Stays stopped, with its error visible, until an operator rebuilds or resumes it.
    run.state = 'error';
    run.error = checkpoint.error;
    return;
  }
  if (!host.inTerm(term)) return; // stopped while binding: the next term's agent binds anew
  run.state = 'running';
  run.error = null;
  const wake = host.newWake();
  const agent = newLiveAgent(host, run, hold, checkpoint.cursor, wake, (summary) => host.onCommitted(run, summary));
  const entry = { agent, hold };
  run.agent = entry;
  void agent.done.then((outcome) => onAgentEnded(host, run, entry, wake, outcome));
}

/** The database may be restarting: the projection starts once it answers again, and says so meanwhile. */
function retryStart(host: LiveAgentHost, run: Running, term: number, error: Error): void {
  run.startFailures++;
  run.state = 'stopped';
  const delayMs = retryDelayMs(run.startFailures, { ...DEFAULT_RETRY, maxDelayMs: 5_000 });
  host.logger.error({ msg: 'projection could not start, trying again', projection: run.projection.name, error: error.message, delayMs }, 'ProjectionDaemon');
  if (!host.inTerm(term)) return;
  run.retry = setTimeout(() => {
    run.retry = undefined;
    void host.startAgent(run, term);
  }, delayMs);
}

async function onAgentEnded(host: LiveAgentHost, run: Running, entry: NonNullable<Running['agent']>, wake: WakeSignal, outcome: AgentOutcome): Promise<void> {
  host.dropWake(wake);
  const current = run.agent === entry;
  if (current) run.agent = undefined;
  if (outcome.kind === 'error') {
    host.logger.error({ msg: 'projection stopped on error', projection: run.projection.name, ...outcome.error }, 'ProjectionDaemon');
    try {
      await inFencedTransaction(host.storage, entry.hold, (client) => host.storage.checkpoints.setStateIn(client, run.key, 'error', outcome.error));
    } catch (error) {
      // The projection is another holder's now: the error is theirs to meet, not this node's to record.
      if (error instanceof LeaseLostError) return current ? host.leaseLost(run, error.message) : undefined;
      // Not fatal: a restart finds no error recorded, applies the event again and fails on it again.
      host.logger.error({ msg: 'could not record the error state', projection: run.projection.name, error: (error as Error).message }, 'ProjectionDaemon');
    }
    run.state = 'error';
    run.error = outcome.error;
  } else if (outcome.kind === 'lease-lost' && current) {
    host.leaseLost(run, 'an agent was fenced out');
  }
}
