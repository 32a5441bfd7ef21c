import { EventStore, WakeSignal } from '@projectionist/event-store';
import { LeaseHold, LeaseLostError, ProjectionErrorInfo, RateMeter, SubscriptionLogger, SubscriptionOutcome } from '@projectionist/projection-daemon';
import { Pool } from 'pg';
import { Reactor, reactorSubject } from '../model/reactor';
import { ReactorAgent } from '../runtime/reactor-agent';
import { ReactorStorage } from './reactor-storage';

export type ReactorState = 'running' | 'stopped' | 'error';

/** A reactor as this node runs it. */
export interface ReactorProgress {
  readonly name: string;
  readonly state: ReactorState;
  /** Highest position of the reactor's categories the checkpoint has passed. */
  readonly position: number;
  readonly callsPerSecond: number;
  /** Handler calls on this node since it started, and the events they were handed (each event once, unless a call was retried or a node crashed before its checkpoint). */
  readonly calls: number;
  readonly eventsHandled: number;
  readonly error: ProjectionErrorInfo | null;
}

export interface ReactorRunnerOptions {
  readonly reactors: readonly Reactor[];
  readonly store: Pick<EventStore, 'readAll' | 'readStream' | 'append'>;
  readonly pool: Pool;
  readonly namespace: string;
  readonly nodeId: string;
  readonly logger: SubscriptionLogger;
  readonly concurrency?: number;
  readonly pageSize?: number;
  readonly pollIntervalMs?: number;
  /** Called when a reactor's lease was taken over: this node must stop running reactors. */
  readonly onLeaseLost?: () => void;
}

interface Run {
  readonly reactor: Reactor;
  agent: { readonly agent: ReactorAgent; readonly hold: LeaseHold; readonly wake: WakeSignal } | undefined;
  state: ReactorState;
  error: ProjectionErrorInfo | null;
  position: number;
  calls: number;
  eventsHandled: number;
  readonly rate: RateMeter;
}

/**
 * Starts and stops reactors like projection agents: each behind its own lease (claimed with a new
 * epoch, then bound to the agent's token, so every checkpoint move of a stale holder is fenced
 * out), from its own checkpoint. Whoever decides where reactors run (HotCold today) calls
 * `start`/`stop`, or `startReactor`/`stopReactor` one by one.
 */
export class ReactorRunner {
  readonly storage: ReactorStorage;
  private readonly runs = new Map<string, Run>();
  private term = 0;

  constructor(private readonly options: ReactorRunnerOptions) {
    this.storage = new ReactorStorage(options.pool, options.namespace);
    for (const reactor of options.reactors) this.runs.set(reactor.name, { reactor, agent: undefined, state: 'stopped', error: null, position: 0, calls: 0, eventsHandled: 0, rate: new RateMeter() });
  }

  get names(): string[] {
    return [...this.runs.keys()];
  }

  async start(): Promise<void> {
    this.term++;
    await Promise.all(this.names.map((name) => this.startReactor(name)));
  }

  async stop(): Promise<void> {
    this.term++;
    await Promise.all(this.names.map((name) => this.stopReactor(name)));
  }

  /** Claims the reactor's lease (a new epoch), binds a fresh agent to it and starts it from its checkpoint. */
  async startReactor(name: string): Promise<void> {
    const run = this.runOf(name);
    if (run.agent) return;
    const term = this.term;
    const { storage } = this;
    const epoch = await storage.fence.claim(reactorSubject(run.reactor), this.options.nodeId);
    const hold = storage.fence.newHold(reactorSubject(run.reactor), epoch);
    const checkpoint = await storage.fenced(hold, (client) => storage.checkpoints.loadIn(client, ReactorStorage.key(run.reactor)), { bind: true });
    run.position = checkpoint.lastPosition;
    if (checkpoint.state === 'error') {
      // Stays stopped, with its error visible, until an operator clears it.
      [run.state, run.error] = ['error', checkpoint.error];
      return;
    }
    if (term !== this.term || run.agent) return;
    const wake = new WakeSignal();
    const agent = new ReactorAgent({
      reactor: run.reactor,
      store: this.options.store,
      checkpoint: storage.checkpointFor(run.reactor, hold),
      from: checkpoint.cursor,
      wake,
      logger: this.options.logger,
      concurrency: this.options.concurrency,
      pageSize: this.options.pageSize,
      pollIntervalMs: this.options.pollIntervalMs,
      onCall: (_streamId, events) => {
        run.calls++;
        run.eventsHandled += events.length;
        run.rate.record(1);
      },
      onCommitted: (summary) => {
        for (const position of summary.positions) if (position > run.position) run.position = position;
      },
    });
    const entry = { agent, hold, wake };
    [run.agent, run.state, run.error] = [entry, 'running', null];
    this.options.logger.log({ msg: 'reactor started', reactor: name, epoch, from: checkpoint.cursor }, 'ReactorRunner');
    void agent.done.then((outcome) => this.onEnded(run, entry, outcome));
  }

  async stopReactor(name: string): Promise<void> {
    const run = this.runOf(name);
    const entry = run.agent;
    run.agent = undefined;
    if (entry) await entry.agent.stop();
    if (run.state !== 'error') run.state = 'stopped';
  }

  /** A NOTIFY arrived: every running reactor reads the feed now. */
  notifyAppended(): void {
    for (const run of this.runs.values()) run.agent?.wake.notify();
  }

  progress(): ReactorProgress[] {
    const now = Date.now();
    return [...this.runs.values()].map((run) => ({
      name: run.reactor.name,
      state: run.state,
      position: run.position,
      callsPerSecond: run.rate.perSecond(now),
      calls: run.calls,
      eventsHandled: run.eventsHandled,
      error: run.error,
    }));
  }

  private runOf(name: string): Run {
    const run = this.runs.get(name);
    if (!run) throw new RangeError(`No reactor named "${name}"`);
    return run;
  }

  private async onEnded(run: Run, entry: NonNullable<Run['agent']>, outcome: SubscriptionOutcome): Promise<void> {
    if (run.agent === entry) run.agent = undefined;
    if (outcome.kind === 'error') {
      this.options.logger.error({ msg: 'reactor stopped on error', reactor: run.reactor.name, ...outcome.error }, 'ReactorRunner');
      [run.state, run.error] = ['error', outcome.error];
      await this.storage
        .fenced(entry.hold, (client) => this.storage.checkpoints.setStateIn(client, ReactorStorage.key(run.reactor), 'error', outcome.error))
        .catch((error: Error) => {
          if (!(error instanceof LeaseLostError)) this.options.logger.warn(`could not record the reactor's error: ${error.message}`, 'ReactorRunner');
        });
    } else if (outcome.kind === 'lease-lost') {
      run.state = 'stopped';
      this.options.logger.warn({ msg: 'reactor lease lost', reactor: run.reactor.name }, 'ReactorRunner');
      this.options.onLeaseLost?.();
    }
  }
}
