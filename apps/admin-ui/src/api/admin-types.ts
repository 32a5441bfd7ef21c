/**
 * What the gateway's admin API returns (GET /api/admin/projections, /rebuilds, /nodes and the
 * server-sent events of /api/admin/stream carry the same items). Kept as plain types so that the
 * browser bundle holds none of the server's libraries.
 */
export type ProjectionState = 'running' | 'paused' | 'rebuilding' | 'error' | 'stopped' | string;

export interface DaemonRebuildProgress {
  readonly phase: 'replaying' | 'swapping' | 'done' | 'failed' | 'cancelled';
  readonly processed: number;
  readonly total: number;
  readonly eventsPerSecond: number;
  readonly etaMs?: number;
  readonly startedAt: string;
  readonly error?: string;
}

/** A session of any application whose open transaction keeps committed events from the feed. */
export interface FeedHolderItem {
  readonly pid: number;
  readonly applicationName: string;
  readonly user?: string | null;
  readonly database?: string | null;
  readonly clientAddress?: string | null;
  readonly state: string | null;
  readonly transactionStartedAt?: string | null;
  readonly transactionAgeMs: number | null;
  readonly query?: string | null;
}

export interface FeedHeldBackItem {
  readonly horizon: number;
  readonly firstWaitingPosition: number;
  readonly since: string;
  readonly heldBackMs: number;
  readonly holder: FeedHolderItem | null;
  /** Sessions the feed waits for once the holder ends. */
  readonly otherHolders?: readonly FeedHolderItem[];
}

/** One version of a projection: readers read the `live` one; a newer one is `building` until it has caught up. */
export interface ProjectionVersionItem {
  readonly version: number;
  readonly role: 'live' | 'building' | 'rolled-back' | 'previous';
  readonly state: ProjectionState;
  readonly ownerNode: string | null;
  readonly position: number;
  readonly lagEvents: number;
}

export interface ProjectionItem {
  readonly name: string;
  /** The version readers read (the newest before any does). */
  readonly version: number;
  /** Every version known, oldest first: more than one while a new version is rolled out. */
  readonly versions?: readonly ProjectionVersionItem[];
  readonly mode: string;
  readonly state: ProjectionState;
  readonly error: unknown;
  readonly ownerNode: string | null;
  readonly position: number;
  readonly head: number;
  readonly lagEvents: number;
  readonly lagMs: number;
  readonly eventsPerSecond: number;
  readonly rebuild: DaemonRebuildProgress | null;
  /** Set while the projection waits only because an open transaction holds the feed back. */
  readonly heldBack?: FeedHeldBackItem | null;
  readonly reportedAt?: string | null;
}

/** Blocking runs go Stopping → Rebuilding → Restarting; online ones Building → CatchingUp → Switching. */
export type RebuildPhase = 'Requested' | 'Stopping' | 'Rebuilding' | 'Restarting' | 'Building' | 'CatchingUp' | 'Switching' | 'Completed' | 'Failed' | 'Cancelled';
export type RebuildMode = 'blocking' | 'online';
export const FINAL_PHASES: readonly RebuildPhase[] = ['Completed', 'Failed', 'Cancelled'];

export interface RebuildRunItem {
  readonly id: string;
  readonly projection: string;
  readonly mode: RebuildMode | string;
  readonly phase: RebuildPhase;
  readonly requestedAt: number;
  readonly worker: string | null;
  readonly leaseExpiresAt: number | null;
  readonly progress: {
    processed: number;
    total: number;
    eventsPerSecond: number;
    etaMs: number | null;
    /** Online, while building or catching up (absent from older workers). */
    distanceToHead?: number | null;
    /** Online, once completed: how long the projection paused for the switch. */
    switchPauseMs?: number | null;
  } | null;
  readonly failure: { reason: string; eventPosition: number | null } | null;
  readonly history: readonly { phase: RebuildPhase; at: number }[];
  /** Online runs whose worker died and that went on from their checkpoint on another (absent from older coordinators). */
  readonly resumes?: readonly {
    readonly phase: RebuildPhase;
    readonly lostWorker: string;
    readonly lostAt: number;
    readonly processedAtLoss: number | null;
    readonly resumedBy: string | null;
    readonly resumedAt: number | null;
  }[];
  /** A partitioned online run: each partition of its build, its worker and progress (absent otherwise). */
  readonly partitions?: readonly {
    readonly index: number;
    readonly worker: string | null;
    readonly progress: { readonly processed: number; readonly total: number } | null;
    readonly done: boolean;
    readonly losses: number;
  }[];
}

export interface NodeItem {
  readonly nodeId: string;
  readonly app: string;
  readonly role: string;
  readonly status: 'up' | 'late' | 'down' | 'stopped';
  readonly host: string;
  readonly pid: number;
  readonly port: number;
  readonly details: Record<string, unknown>;
  /** Distributed workers: each agent it runs or is starting (`CarView@2`) and its health. Absent from older gateways. */
  readonly agents?: readonly NodeAgentItem[];
  readonly startedAt: string;
  readonly heartbeatAt: string;
  readonly stoppedAt: string | null;
}

export interface NodeAgentItem {
  readonly agent: string;
  readonly health: string;
}

/** The gateway's error body: a stable code and a message (400s also name the field). */
export interface ApiErrorBody {
  readonly statusCode?: number;
  readonly error?: string;
  readonly message?: string | string[];
  readonly issues?: readonly { path?: string; message?: string }[];
  readonly rebuildId?: string;
}

/** A reactor as GET /api/admin/reactors reports it. */
export interface ReactorItem {
  readonly name: string;
  readonly categories: readonly string[];
  readonly state: 'running' | 'error' | 'not-started';
  readonly error: { readonly message: string; readonly eventPosition?: number } | null;
  readonly node: string | null;
  readonly position: number;
  readonly lagEvents: number;
  readonly lagMs: number;
  readonly deadLetters: number;
}

/** An event a reactor gave up on (GET /api/admin/reactors/:name/dead-letters). */
export interface ReactorDeadLetterItem {
  readonly eventPosition: number;
  readonly eventId: string;
  readonly eventType: string;
  readonly streamId: string;
  readonly error: string;
  readonly attempts: number;
  readonly at: string;
}
