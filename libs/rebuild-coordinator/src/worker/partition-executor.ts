import type { MessageBroker } from '@projectionist/messaging';
import { MessageEnvelope, rebuildMessage, RebuildMessages } from '@projectionist/messaging-contracts';
import type { ProjectionDaemon, RebuildProgress } from '@projectionist/projection-daemon';

export interface PartitionExecutorOptions {
  readonly broker: MessageBroker;
  readonly daemon: Pick<ProjectionDaemon, 'asyncProjections' | 'rebuildPartition'>;
  readonly nodeId: string;
  readonly heartbeatMs?: number;
}

/**
 * A worker's side of a partitioned rebuild's partitions: the worker StartRebuildPartition names
 * builds the partition on its daemon (from the partition's checkpoint), reports its progress as
 * the partition's lease heartbeat, and says when it is built or why not. AbortRebuild stops every
 * partition of the run here.
 */
export class PartitionExecutor {
  private readonly running = new Map<string, { runId: string; abort: AbortController }>();

  constructor(private readonly options: PartitionExecutorOptions) {}

  stop(): void {
    for (const { abort } of this.running.values()) abort.abort();
  }

  abort(runId: string): void {
    for (const entry of this.running.values()) if (entry.runId === runId) entry.abort.abort();
  }

  /** StartRebuildPartition, if it names this worker; not awaited, so that the control consumer stays free for AbortRebuild. */
  handle(message: MessageEnvelope<'StartRebuildPartition', RebuildMessages['StartRebuildPartition']>): void {
    const { runId, partition, worker } = message.payload;
    const key = `${runId}#${partition}`;
    if (worker !== this.options.nodeId || this.running.has(key)) return;
    const abort = new AbortController();
    this.running.set(key, { runId, abort });
    void this.execute(message.payload, abort).finally(() => this.running.delete(key));
  }

  private async execute(start: RebuildMessages['StartRebuildPartition'], abort: AbortController): Promise<void> {
    const { broker, daemon, nodeId } = this.options;
    const { runId, projection, partition, partitions } = start;
    const send = (m: Parameters<MessageBroker['publishEvent']>[0]) => broker.publishEvent(m).catch(() => undefined);
    const failed = (reason: string, eventPosition: number | null = null) => send(rebuildMessage('RebuildPartitionFailed', { runId, worker: nodeId, partition, reason, eventPosition }, nodeId));
    if (!daemon.asyncProjections.some((p) => p.name === projection)) {
      await failed(`this worker has no async projection named ${projection}`);
      return;
    }
    let latest: RebuildProgress | undefined;
    const report = (done: boolean) => {
      const counts = { processed: latest?.processed ?? 0, total: latest?.total ?? 0, eventsPerSecond: latest?.eventsPerSecond ?? 0, etaMs: done ? 0 : (latest?.etaMs ?? null) };
      return send(rebuildMessage('RebuildPartitionProgress', { runId, worker: nodeId, partition, ...counts, done }, nodeId));
    };
    const heartbeat = setInterval(() => void report(false), this.options.heartbeatMs ?? 1_000);
    try {
      await send(rebuildMessage('RebuildPartitionStarted', { runId, worker: nodeId, partition }, nodeId));
      const result = await daemon.rebuildPartition(projection, { runId, partition, partitions, signal: abort.signal, onProgress: (p) => (latest = p) });
      clearInterval(heartbeat);
      if (result.status === 'completed') await report(true);
      else if (result.status === 'failed') await failed(result.error, result.eventPosition ?? null);
      // Cancelled because this worker stops: the run goes on without it. The partition's lease
      // runs out, and another worker resumes it from its checkpoint.
    } catch (error) {
      await failed((error as Error).message);
    } finally {
      clearInterval(heartbeat);
    }
  }
}
