import { Counter } from 'prom-client';
import { metricsRegistry } from './metrics-registry';

const counter = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) =>
  new Counter<L>({ name, help, labelNames, registers: [metricsRegistry] });

/**
 * Every counter of the system, declared once (names, labels, meaning); docs/operations.md lists
 * them. Each is moved where the thing happens, by whichever app does it: a counter that an app
 * never moves stays at 0 (or, with labels, absent) on that app's /metrics. Label values come
 * from small fixed sets (error codes, projection names, outcomes), never from requests.
 */
export const opsCounters = {
  eventsAppended: counter('projectionist_events_appended_total', 'Events appended to the store by this process (idempotent repeats excluded)'),
  commandsRejected: counter('projectionist_commands_rejected_total', 'Write requests answered with an error, by its code (e.g. STREAM_VERSION_CONFLICT, WRITES_HELD)', ['reason']),
  writesHeld: counter('projectionist_writes_held_total', 'Writes the write-guard held (503) while a blocking rebuild ran, by rebuilding projection', ['projection']),
  deadLetters: counter('projectionist_dead_letters_total', 'Events parked in projection_dead_letters after their handler failed past its retries', ['projection']),
  retries: counter('projectionist_retries_total', 'Work a projection did again after a failure: `handler` (its handler threw) or `storage` (a feed read or commit failed)', ['projection', 'kind']),
  leaseLosses: counter('projectionist_lease_losses_total', 'Work this node lost to another: the daemon election lock, or a projection lease', ['kind']),
  brokerReconnects: counter('projectionist_broker_reconnects_total', 'Connections to RabbitMQ made again after one was lost'),
  redisReconnects: counter('projectionist_redis_reconnects_total', 'Times the shared rebuild state came back on Redis after running from PostgreSQL'),
  rebuildRuns: counter('projectionist_rebuild_runs_total', 'Rebuild runs that ended, by mode and outcome (completed, failed, cancelled); counted by the leading coordinator', ['mode', 'outcome']),
};
