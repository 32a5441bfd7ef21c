/**
 * Names of every queue and exchange, derived from the namespace so that several environments
 * (and parallel test files) can share one broker. The transport declares exactly these.
 */
export interface Topology {
  /** Durable queue the coordinator leader consumes commands from (RequestRebuild, CancelRebuild). */
  readonly coordinatorCommands: string;
  /** Fanout/topic exchange for control messages to every node or one node. */
  readonly controlExchange: string;
  /** Topic exchange for events back from workers (RebuildProgress, RebuildCompleted, RebuildFailed). */
  readonly eventsExchange: string;
  /**
   * Durable queue of those events for the coordinator leader: events sent while no leader
   * listens (a leader just died) wait here instead of being lost.
   */
  readonly coordinatorEvents: string;
  /** Exclusive, per-node control queue name. */
  controlQueueOf(nodeId: string): string;
}

export function topologyFor(namespace: string): Topology {
  return {
    coordinatorCommands: `${namespace}.coordinator.commands`,
    controlExchange: `${namespace}.control`,
    eventsExchange: `${namespace}.events`,
    coordinatorEvents: `${namespace}.coordinator.events`,
    controlQueueOf: (nodeId) => `${namespace}.control.${nodeId}`,
  };
}
