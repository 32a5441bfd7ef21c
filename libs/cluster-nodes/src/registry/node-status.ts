export type NodeStatus = 'up' | 'late' | 'down' | 'stopped';

/**
 * Pure: what a node's last heartbeat says about it. One missed beat is noise (GC pause, busy
 * database); two make it late; five make it down.
 */
export function nodeStatus(heartbeatAt: Date, stoppedAt: Date | null, intervalMs: number, now: Date): NodeStatus {
  if (stoppedAt) return 'stopped';
  const age = now.getTime() - heartbeatAt.getTime();
  if (age <= 2 * intervalMs) return 'up';
  if (age <= 5 * intervalMs) return 'late';
  return 'down';
}
