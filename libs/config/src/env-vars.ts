/**
 * Every environment variable the apps read, declared once with its default and meaning.
 * `docs/operations.md` is checked against this list by a test, so the two cannot drift.
 */
export interface EnvVarSpec {
  readonly name: string;
  /** Undefined means "no default": the feature it enables stays off until it is set. */
  readonly default: string | undefined;
  readonly description: string;
  /** Apps that read it; 'all' for every app. */
  readonly apps: readonly AppName[] | 'all';
}

export type AppName = 'gateway' | 'projector-worker' | 'coordinator' | 'admin-ui';

export const DEFAULT_PORTS: Readonly<Record<AppName, number>> = {
  gateway: 3000,
  'projector-worker': 3100,
  coordinator: 3200,
  'admin-ui': 4200,
};

export const ENV_VARS = [
  {
    name: 'DATABASE_URL',
    default: 'postgres://postgres@127.0.0.1:5432/postgres',
    description: 'PostgreSQL connection string for events, read models and durable state.',
    apps: 'all',
  },
  {
    name: 'REDIS_URL',
    default: 'redis://127.0.0.1:6379',
    description: 'Redis connection string for the shared rebuild state and its pub/sub.',
    apps: 'all',
  },
  {
    name: 'AMQP_URL',
    default: 'amqp://guest:guest@127.0.0.1:5672',
    description: 'RabbitMQ connection string for commands and control messages.',
    apps: 'all',
  },
  {
    name: 'NAMESPACE',
    default: 'projectionist',
    description:
      'Prefix for the database schema, queue, exchange and key names, so several environments can share one PostgreSQL, RabbitMQ and Redis. Lowercase letters, digits and underscores.',
    apps: 'all',
  },
  {
    name: 'PORT',
    default: undefined,
    description: 'HTTP port. Defaults per app: gateway 3000, projector-worker 3100, coordinator 3200, admin-ui 4200.',
    apps: 'all',
  },
  {
    name: 'NODE_ID',
    default: undefined,
    description: 'Name of this node in logs, metrics and the node registry. Defaults to `<app>-<hostname>-<pid>`.',
    apps: 'all',
  },
  {
    name: 'ADMIN_TOKEN',
    default: undefined,
    description: 'Bearer token required by the admin API. Unset: every admin request is refused with 401.',
    apps: ['gateway'],
  },
  {
    name: 'MIGRATE_ON_START',
    default: 'true',
    description: 'Run the database migrations when the app starts (`true` or `false`). Concurrent starts are serialised by a lock.',
    apps: 'all',
  },
  {
    name: 'EVENT_MAX_PAYLOAD_BYTES',
    default: '1048576',
    description: 'Largest accepted event (data plus metadata, as JSON), in bytes. Larger appends are rejected and nothing is written.',
    apps: 'all',
  },
  {
    name: 'HTTP_MAX_BODY_BYTES',
    default: undefined,
    description:
      'Largest accepted HTTP request body, in bytes; larger ones are answered 413 and nothing is written. Defaults to `EVENT_MAX_PAYLOAD_BYTES` plus 64 KiB for the rest of the request, so that an append of one event of the largest size fits.',
    apps: ['gateway', 'projector-worker', 'coordinator'],
  },
  {
    name: 'REACTOR_CONCURRENCY',
    default: '8',
    description: 'Handler calls a reactor runs at once, each for a different stream (a stream never has two in flight).',
    apps: ['projector-worker'],
  },
  {
    name: 'DAEMON_PAGE_SIZE',
    default: '500',
    description: 'Events per feed read while a projection follows the head of the feed.',
    apps: ['projector-worker'],
  },
  {
    name: 'DAEMON_REBUILD_PAGE_SIZE',
    default: '5000',
    description: 'Events per feed read during a rebuild; a rebuild commits every 50 pages (or 20,000 changed documents).',
    apps: ['projector-worker'],
  },
  {
    name: 'DAEMON_BACKPRESSURE_HIGH',
    default: '1000',
    description: 'Backpressure: a projection stops fetching when more events than this are staged for it.',
    apps: ['projector-worker'],
  },
  {
    name: 'DAEMON_BACKPRESSURE_LOW',
    default: '500',
    description: 'Backpressure: a paused projection resumes fetching when fewer than this are staged.',
    apps: ['projector-worker'],
  },
  {
    name: 'DAEMON_POLL_INTERVAL_MS',
    default: '1000',
    description: 'Fallback poll of the feed when no NOTIFY arrives (NOTIFY wakes the daemon at once).',
    apps: ['projector-worker'],
  },
  {
    name: 'DAEMON_LIVE_READ_GAP_MS',
    default: '10',
    description:
      'Following the head, the least time between the end of one feed read of a projection and its next: under a steady stream of writes one read and one commit then take what the whole gap wrote, instead of a read and a commit per notification. Adds up to this much to the catch-up lag; 0 reads on every notification.',
    apps: ['projector-worker'],
  },
  {
    name: 'DAEMON_STANDBY_RETRY_MS',
    default: '300-900',
    description: 'HotCold: a standby worker tries to take the daemon lock at a random interval in this range (min-max, ms).',
    apps: ['projector-worker'],
  },
  {
    name: 'DAEMON_DISTRIBUTION',
    default: 'distributed',
    description:
      "How async projections are spread over worker replicas: `distributed` (each projection's agent runs on one node, spread over every live worker by the coordinator leader) or `hotcold` (one active worker runs them all, the others stand by).",
    apps: ['projector-worker'],
  },
  {
    name: 'DAEMON_LEASE_TTL_MS',
    default: '5000',
    description:
      "Distributed: how long a worker's lease on a projection holds without renewal (ms). Renewed every fifth of it; a worker that cannot renew stops the agent after three fifths, and another worker may claim it once it expired (at once if the holder's connection is gone).",
    apps: ['projector-worker'],
  },
  {
    name: 'NODE_DEAD_AFTER_MS',
    default: '5000',
    description:
      "Distributed: the coordinator leader counts a worker dead when its heartbeat is older than this (ms), or at once when its liveness lock's connection is gone, and reassigns its agents. Workers up for less than this get no agents moved to them for balance.",
    apps: ['coordinator'],
  },
  {
    name: 'AGENT_PLAN_INTERVAL_MS',
    default: '2000-5000',
    description: 'Distributed: the coordinator leader re-checks where agents run at a random interval in this range (min-max, ms), and at once when a worker joins or disappears.',
    apps: ['coordinator'],
  },
  {
    name: 'AGENT_MAX_PER_NODE',
    default: '0',
    description: 'Distributed: the most agents the coordinator puts on one worker; 0 for no limit. Agents that fit nowhere wait for a worker with room.',
    apps: ['coordinator'],
  },
  {
    name: 'DAEMON_SWAP_LOCK_TIMEOUT_MS',
    default: '5000',
    description:
      "How long a rebuild's swap waits for the live table's locks (readers queue behind it meanwhile); past it the rebuild fails, the live table stays and its agent runs again.",
    apps: ['projector-worker'],
  },
  {
    name: 'REBUILD_KEEP_PREVIOUS_MS',
    default: '3600000',
    description:
      'How long the table an online rebuild replaced is kept, so that a rollback can switch back to it at once (ms); then it is dropped.',
    apps: ['projector-worker'],
  },
  {
    name: 'REBUILD_ONLINE_MAX_EVENTS_PER_SECOND',
    default: '0',
    description:
      'Caps how many events a second an online rebuild (and each partition of one) applies, on average; 0 sets no cap. Writes and reads go on during an online rebuild; on a machine whose cores the rebuild would take, a cap makes the rebuild longer and leaves them room.',
    apps: ['projector-worker'],
  },
  {
    name: 'TEST_REBUILD_SWITCH_DELAY_MS',
    default: '0',
    description:
      "Test only, leave at 0: an online rebuild's switch waits this long (ms), its projection paused, before its swap, so that a real-process test can kill the worker mid-switch. The switch otherwise lasts milliseconds.",
    apps: ['projector-worker'],
  },
  {
    name: 'REBUILD_LEASE_TIMEOUT_MS',
    default: '10000',
    description:
      'How long a worker running a rebuild may go without reporting (it reports every second) before the coordinator takes the run from it: a blocking run fails; an online one waits for the next lease holder to resume it from its checkpoint (at most 20 times).',
    apps: ['coordinator'],
  },
  {
    name: 'FEED_HELD_BACK_WARN_MS',
    default: '10000',
    description:
      'Log a warning, naming the session, once a transaction left open anywhere on the PostgreSQL server has held the feed back this long (ms). The hold-back is reported at any length on `GET /daemon`, `/metrics` and the admin API.',
    apps: ['projector-worker'],
  },
  {
    name: 'NODE_HEARTBEAT_MS',
    default: '2000',
    description: 'How often a node records that it is alive in `cluster_nodes`; it shows as late after 2 and down after 5 intervals.',
    apps: 'all',
  },
  {
    name: 'WRITE_GUARD_SCOPE',
    default: 'all',
    description:
      'Which writes a blocking rebuild holds (503): `all` domain writes, or `projection`: only those whose event types feed the rebuilding projection.',
    apps: ['gateway'],
  },
  {
    name: 'DATABASE_STATEMENT_TIMEOUT_MS',
    default: '10000',
    description:
      'Longest a database statement of the gateway may run, waiting for locks included (PostgreSQL `statement_timeout`); a request whose statement runs out answers 503 with Retry-After and writes nothing.',
    apps: ['gateway'],
  },
  {
    name: 'DATABASE_KEEPALIVE_IDLE_SECONDS',
    default: '1',
    description:
      'TCP keepalive of the database connections (the pool, the election locks, LISTEN), set on both ends: seconds of silence before the first probe. The server ends the session of a host that stopped answering, releasing its locks, after idle + interval × count seconds (3 by default); a killed process needs none of this.',
    apps: ['gateway', 'projector-worker', 'coordinator'],
  },
  {
    name: 'DATABASE_KEEPALIVE_INTERVAL_SECONDS',
    default: '1',
    description: 'TCP keepalive: seconds between unanswered probes (PostgreSQL `tcp_keepalives_interval` of the session).',
    apps: ['gateway', 'projector-worker', 'coordinator'],
  },
  {
    name: 'DATABASE_KEEPALIVE_COUNT',
    default: '2',
    description: 'TCP keepalive: unanswered probes after which a connection is taken for dead (PostgreSQL `tcp_keepalives_count`).',
    apps: ['gateway', 'projector-worker', 'coordinator'],
  },
  {
    name: 'DATABASE_POOL_MAX',
    default: '10',
    description:
      "Most connections an app's pool opens to PostgreSQL. A projector-worker also opens one per election lock (the daemon's, the reactors') and one for NOTIFY besides, and keeps one per async projection (plus one) open while standing by, so that a takeover starts at once; give it at least that many.",
    apps: ['gateway', 'projector-worker', 'coordinator'],
  },
  {
    name: 'ENV_FILE',
    default: '.env',
    description:
      'File of `NAME=value` lines read at start, relative to the working directory; a missing file is skipped, and a variable set in the environment wins over the file. `.env.example` lists every variable with its default.',
    apps: 'all',
  },
  {
    name: 'GATEWAY_URL',
    default: 'http://127.0.0.1:3000',
    description: 'The gateway the admin UI talks to: its server forwards `/api` and `/docs` there, so the browser sees one origin.',
    apps: ['admin-ui'],
  },
  {
    name: 'LOG_LEVEL',
    default: 'info',
    description: 'Lowest level written to the JSON log: `debug`, `info`, `warn` or `error`.',
    apps: 'all',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    default: undefined,
    description:
      'Tracing: the OTLP/HTTP collector to send traces to (e.g. `http://otel-collector:4318`; `/v1/traces` is appended). Unset, tracing is off and the trace SDK is not loaded.',
    apps: 'all',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    default: undefined,
    description:
      'Tracing: the full URL traces are posted to, instead of `OTEL_EXPORTER_OTLP_ENDPOINT` plus `/v1/traces`; setting it alone also turns tracing on.',
    apps: 'all',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_HEADERS',
    default: undefined,
    description:
      'Tracing: headers sent with every export, as `key=value` pairs separated by commas (e.g. a collector\'s API key).',
    apps: 'all',
  },
  {
    name: 'OTEL_SERVICE_NAME',
    default: undefined,
    description:
      'Tracing: the service name on every span. Defaults to the app\'s name (`gateway`, `coordinator`, `projector-worker`, `admin-ui`).',
    apps: 'all',
  },
  {
    name: 'OTEL_RESOURCE_ATTRIBUTES',
    default: undefined,
    description:
      'Tracing: more resource attributes on every span, as `key=value` pairs separated by commas (e.g. `deployment.environment.name=production`).',
    apps: 'all',
  },
  {
    name: 'OTEL_TRACES_SAMPLER',
    default: 'parentbased_always_on',
    description:
      'Tracing: which traces are kept: `parentbased_always_on`, `parentbased_traceidratio` (with `OTEL_TRACES_SAMPLER_ARG`), `always_on`, `always_off`, `traceidratio`, `parentbased_always_off`.',
    apps: 'all',
  },
  {
    name: 'OTEL_TRACES_SAMPLER_ARG',
    default: undefined,
    description:
      'Tracing: the sampler\'s argument, e.g. `0.1` to keep one trace in ten with a ratio sampler.',
    apps: 'all',
  },
  {
    name: 'OTEL_TRACES_EXPORTER',
    default: 'otlp',
    description:
      'Tracing: `otlp`, or `none` to keep tracing off even with an endpoint set.',
    apps: 'all',
  },
  {
    name: 'OTEL_SDK_DISABLED',
    default: 'false',
    description:
      'Tracing: `true` keeps tracing off whatever else is set.',
    apps: 'all',
  },
  {
    name: 'OTEL_BSP_SCHEDULE_DELAY',
    default: '5000',
    description:
      'Tracing: how often finished spans are sent to the collector (ms); spans still waiting when a process is killed are lost.',
    apps: 'all',
  },
] as const satisfies readonly EnvVarSpec[];

export type EnvVarName = (typeof ENV_VARS)[number]['name'];
