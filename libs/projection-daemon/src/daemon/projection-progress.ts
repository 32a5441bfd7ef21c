import { FeedHoldBack } from '@projectionist/event-store';
import { ProjectionMode } from '@projectionist/projections';
import { ProjectionErrorInfo, ProjectionState } from '../storage/checkpoint-store';

export interface RebuildProgress {
  /**
   * Blocking: replaying, swapping. Online: building (up to the head when it began), catching-up
   * (on until caught up), switching (the projection's one pause). Then done, failed or cancelled.
   */
  readonly phase: 'replaying' | 'swapping' | 'building' | 'catching-up' | 'switching' | 'done' | 'failed' | 'cancelled';
  /** `online` for a rebuild beside the live table; absent for a blocking one. */
  readonly mode?: 'online';
  /** Online, while building or catching up: positions between the last event applied and the head. */
  readonly distanceToHead?: number;
  readonly processed: number;
  readonly total: number;
  readonly eventsPerSecond: number;
  readonly etaMs: number | undefined;
  readonly startedAt: string;
  readonly error?: string;
}

/** A projection as an operator sees it. */
export interface ProjectionProgress {
  readonly name: string;
  readonly version: number;
  readonly mode: ProjectionMode;
  readonly state: ProjectionState;
  /** Highest global position applied. */
  readonly position: number;
  /** Highest committed global position in the store. */
  readonly head: number;
  /** Measured from the head of the events table: events committed but not applied, readable or not. */
  readonly lagEvents: number;
  readonly lagMs: number;
  readonly eventsPerSecond: number;
  readonly staged: number;
  readonly error: ProjectionErrorInfo | null;
  readonly rebuild: RebuildProgress | null;
  /** Set while the projection is behind only because an open transaction holds the feed back. */
  readonly heldBack: FeedHoldBack | null;
}
