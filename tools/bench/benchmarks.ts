import { adminUiBenchmark } from './admin-ui.bench';
import { daemonBenchmark } from './daemon.bench';
import { gatewayBenchmark } from './gateway.bench';
import { eventStoreBenchmark } from './event-store.bench';
import { onlineRebuildBenchmark } from './online-rebuild.bench';
import { reactorsBenchmark } from './reactors.bench';

export const benchmarks: Record<string, () => Promise<string>> = {
  'event-store': eventStoreBenchmark,
  daemon: daemonBenchmark,
  gateway: gatewayBenchmark,
  'admin-ui': adminUiBenchmark,
  'online-rebuild': onlineRebuildBenchmark,
  reactors: reactorsBenchmark,
};
