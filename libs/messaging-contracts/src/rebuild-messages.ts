import type { RebuildMode, RebuildWorkerPhase } from '@projectionist/rebuild-state';
import { randomUUID } from 'node:crypto';
import { MessageEnvelope } from './message-envelope';

/**
 * Version 1 of every rebuild message; a node refuses versions it does not know. Fields added
 * since (`phase`, `distanceToHead`, `switchPauseMs`, `partitions`) are optional within version 1, so nodes of
 * the previous release still read the messages and only miss what those fields add.
 */
export const REBUILD_MESSAGE_VERSION = 1;

export interface RebuildMessages {
  /** Command queue → coordinator leader: take over the run the gateway recorded as Requested (`partitions`: split in that many). */
  RequestRebuild: { runId: string; projection: string; mode: RebuildMode; partitions?: number };
  /** Command queue → coordinator leader. */
  CancelRebuild: { runId: string };
  /**
   * Control → all workers: the active one stops the projection and rebuilds it in `mode`. A
   * worker that cannot run the mode (or gets none, from an older sender) answers RebuildFailed.
   */
  StartRebuild: { runId: string; projection: string; mode: RebuildMode; partitions?: number };
  /**
   * Control → all workers: `worker` builds partition `partition` (0-based) of `partitions` of the
   * online run (from the partition's checkpoint, when another worker built some of it before).
   * The other workers ignore it.
   */
  StartRebuildPartition: { runId: string; projection: string; partition: number; partitions: number; worker: string };
  /** Events ← worker: it took its partition (also the partition's first heartbeat). */
  RebuildPartitionStarted: { runId: string; worker: string; partition: number };
  /** Events ← worker: the partition's progress and lease heartbeat; `done` once built up to the run's target. */
  RebuildPartitionProgress: { runId: string; worker: string; partition: number; processed: number; total: number; eventsPerSecond: number; etaMs: number | null; done: boolean };
  RebuildPartitionFailed: { runId: string; worker: string; partition: number; reason: string; eventPosition: number | null };
  /** Control → all workers: abort the run if it is yours. */
  AbortRebuild: { runId: string };
  /**
   * Events ← worker: it took the run (also the first heartbeat). Blocking: it stopped the
   * projection and is replaying; online: it is building beside the live table.
   */
  RebuildStarted: { runId: string; worker: string };
  /**
   * Events ← worker: progress, and the lease heartbeat. `phase`: where the worker is (online:
   * building, catching-up, switching; blocking: replaying, swapping); `distanceToHead`: online,
   * positions between the last event applied and the head.
   */
  RebuildProgress: {
    runId: string;
    worker: string;
    processed: number;
    total: number;
    eventsPerSecond: number;
    etaMs: number | null;
    phase?: RebuildWorkerPhase;
    distanceToHead?: number | null;
  };
  /**
   * Events ← worker: swapped in and the projection runs again, with the count it ended on (the
   * last periodic progress is up to a heartbeat old) and its average rate over the run; online,
   * how long the projection paused for the switch.
   */
  RebuildCompleted: { runId: string; worker: string; processed: number; total: number; eventsPerSecond: number; switchPauseMs?: number };
  RebuildFailed: { runId: string; worker: string; reason: string; eventPosition: number | null };
  /** Control → all workers: the one holding the projection's lease switches back to the table its last online rebuild replaced. */
  RollbackProjection: { requestId: string; projection: string };
  /** Events ← worker: rolled back; the projection paused this long; `version`: the one readers read now (absent from older workers). */
  RollbackCompleted: { requestId: string; projection: string; worker: string; pauseMs: number; version?: number };
  /** Events ← worker: not rolled back; `code` says why (no previous table kept, a rebuild running, the version to go to runs nowhere, anything else). */
  RollbackFailed: { requestId: string; projection: string; worker: string; code: 'NO_PREVIOUS_TABLE' | 'REBUILD_RUNNING' | 'VERSION_NOT_RUNNING' | 'FAILED'; reason: string };
}

export type RebuildMessageType = keyof RebuildMessages;

export function rebuildMessage<T extends RebuildMessageType>(type: T, payload: RebuildMessages[T], sender: string): MessageEnvelope<T, RebuildMessages[T]> {
  return { type, version: REBUILD_MESSAGE_VERSION, messageId: randomUUID(), sentAt: new Date().toISOString(), sender, payload };
}

/** Narrows an envelope to a known rebuild message of the current version. */
export function isRebuildMessage<T extends RebuildMessageType>(message: MessageEnvelope, type: T): message is MessageEnvelope<T, RebuildMessages[T]> {
  return message.type === type && message.version === REBUILD_MESSAGE_VERSION && typeof message.payload === 'object' && message.payload !== null;
}

/** Where a message goes: the coordinator's command queue, nodes' control queues, or the worker events. */
export type MessageRoute = { readonly to: 'commands' } | { readonly to: 'control'; readonly target: 'all' } | { readonly to: 'events' };

/** Where each rebuild message is sent (the comments on RebuildMessages say who reads it). */
export const REBUILD_MESSAGE_ROUTES: { readonly [T in RebuildMessageType]: MessageRoute } = {
  RequestRebuild: { to: 'commands' },
  CancelRebuild: { to: 'commands' },
  StartRebuild: { to: 'control', target: 'all' },
  StartRebuildPartition: { to: 'control', target: 'all' },
  RebuildPartitionStarted: { to: 'events' },
  RebuildPartitionProgress: { to: 'events' },
  RebuildPartitionFailed: { to: 'events' },
  AbortRebuild: { to: 'control', target: 'all' },
  RebuildStarted: { to: 'events' },
  RebuildProgress: { to: 'events' },
  RebuildCompleted: { to: 'events' },
  RebuildFailed: { to: 'events' },
  RollbackProjection: { to: 'control', target: 'all' },
  RollbackCompleted: { to: 'events' },
  RollbackFailed: { to: 'events' },
};
