import { daemonBenchmark } from './daemon.bench';
import { eventStoreBenchmark } from './event-store.bench';

export const benchmarks: Record<string, () => Promise<string>> = {
  'event-store': eventStoreBenchmark,
  daemon: daemonBenchmark,
};
