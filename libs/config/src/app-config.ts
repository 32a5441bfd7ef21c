import { hostname } from 'node:os';
import { AppName, DEFAULT_PORTS, ENV_VARS, EnvVarName } from './env-vars';
import { ConfigError } from './config.error';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type WriteGuardScope = 'all' | 'projection';
export type DaemonDistribution = 'distributed' | 'hotcold';

export interface AppConfig {
  readonly app: AppName;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly amqpUrl: string;
  readonly namespace: string;
  readonly port: number;
  readonly nodeId: string;
  readonly adminToken: string | undefined;
  readonly migrateOnStart: boolean;
  readonly eventMaxPayloadBytes: number;
  readonly httpMaxBodyBytes: number;
  readonly logLevel: LogLevel;
  readonly writeGuardScope: WriteGuardScope;
  readonly databaseStatementTimeoutMs: number;
  readonly databasePoolMax: number;
  readonly gatewayUrl: string;
  readonly nodeHeartbeatMs: number;
  /** How long a rebuilding worker may stay silent before the coordinator takes its run (REBUILD_LEASE_TIMEOUT_MS). */
  readonly rebuildLeaseTimeoutMs: number;
  /** TCP keepalive of every database connection, both ends (docs/operations.md). */
  readonly databaseKeepAlive: { readonly idleSeconds: number; readonly intervalSeconds: number; readonly count: number };
  readonly daemon: {
    readonly pageSize: number;
    readonly rebuildPageSize: number;
    readonly backpressureHigh: number;
    readonly backpressureLow: number;
    readonly pollIntervalMs: number;
    readonly liveReadGapMs: number;
    readonly onlineRebuildMaxEventsPerSecond: number;
    readonly standbyRetryMs: { readonly min: number; readonly max: number };
    readonly swapLockTimeoutMs: number;
    readonly heldBackWarnMs: number;
    readonly keepPreviousMs: number;
    readonly testSwitchDelayMs: number;
    readonly distribution: DaemonDistribution;
    readonly leaseTtlMs: number;
  };
  readonly agents: {
    readonly deadAfterMs: number;
    readonly planIntervalMs: { readonly min: number; readonly max: number };
    readonly maxPerNode: number;
  };
  readonly reactors: {
    readonly concurrency: number;
  };
}

type Env = Readonly<Record<string, string | undefined>>;

/** Room in a request body for what surrounds the event payload (stream id, type, ids, expected version). */
const BODY_ENVELOPE_BYTES = 64 * 1024;
const NAMESPACE_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
const WRITE_GUARD_SCOPES: readonly WriteGuardScope[] = ['all', 'projection'];
const DISTRIBUTIONS: readonly DaemonDistribution[] = ['distributed', 'hotcold'];

/** Reads and validates the configuration of one app; throws a ConfigError naming the variable. */
export function loadConfig(app: AppName, env: Env = process.env): AppConfig {
  const read = (name: EnvVarName): string | undefined => {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    return ENV_VARS.find((v) => v.name === name)?.default;
  };
  const required = (name: EnvVarName): string => {
    const value = read(name);
    if (value === undefined) throw new ConfigError(name, 'is required');
    return value;
  };

  const namespace = required('NAMESPACE');
  if (!NAMESPACE_PATTERN.test(namespace)) {
    throw new ConfigError('NAMESPACE', `must match ${NAMESPACE_PATTERN} (got "${namespace}")`);
  }
  const logLevel = required('LOG_LEVEL') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }
  const writeGuardScope = required('WRITE_GUARD_SCOPE') as WriteGuardScope;
  if (!WRITE_GUARD_SCOPES.includes(writeGuardScope)) {
    throw new ConfigError('WRITE_GUARD_SCOPE', `must be one of ${WRITE_GUARD_SCOPES.join(', ')} (got "${writeGuardScope}")`);
  }

  const eventMaxPayloadBytes = parseInteger('EVENT_MAX_PAYLOAD_BYTES', required('EVENT_MAX_PAYLOAD_BYTES'), 1, 64 * 1024 * 1024);
  return {
    app,
    databaseUrl: required('DATABASE_URL'),
    redisUrl: required('REDIS_URL'),
    amqpUrl: required('AMQP_URL'),
    namespace,
    port: parseInteger('PORT', read('PORT') ?? String(DEFAULT_PORTS[app]), 0, 65_535),
    nodeId: read('NODE_ID') ?? `${app}-${hostname()}-${process.pid}`,
    adminToken: read('ADMIN_TOKEN'),
    migrateOnStart: parseBoolean('MIGRATE_ON_START', required('MIGRATE_ON_START')),
    eventMaxPayloadBytes,
    httpMaxBodyBytes: parseInteger('HTTP_MAX_BODY_BYTES', read('HTTP_MAX_BODY_BYTES') ?? String(eventMaxPayloadBytes + BODY_ENVELOPE_BYTES), 1024, 1024 * 1024 * 1024),
    logLevel,
    writeGuardScope,
    databaseStatementTimeoutMs: parseInteger('DATABASE_STATEMENT_TIMEOUT_MS', required('DATABASE_STATEMENT_TIMEOUT_MS'), 100, 3_600_000),
    databasePoolMax: parseInteger('DATABASE_POOL_MAX', required('DATABASE_POOL_MAX'), 1, 1_000),
    gatewayUrl: parseUrl('GATEWAY_URL', required('GATEWAY_URL')),
    nodeHeartbeatMs: parseInteger('NODE_HEARTBEAT_MS', required('NODE_HEARTBEAT_MS'), 100, 600_000),
    rebuildLeaseTimeoutMs: parseInteger('REBUILD_LEASE_TIMEOUT_MS', required('REBUILD_LEASE_TIMEOUT_MS'), 1_000, 3_600_000),
    databaseKeepAlive: {
      idleSeconds: parseInteger('DATABASE_KEEPALIVE_IDLE_SECONDS', required('DATABASE_KEEPALIVE_IDLE_SECONDS'), 1, 7_200),
      intervalSeconds: parseInteger('DATABASE_KEEPALIVE_INTERVAL_SECONDS', required('DATABASE_KEEPALIVE_INTERVAL_SECONDS'), 1, 600),
      count: parseInteger('DATABASE_KEEPALIVE_COUNT', required('DATABASE_KEEPALIVE_COUNT'), 1, 100),
    },
    daemon: loadDaemonConfig(required),
    reactors: { concurrency: parseInteger('REACTOR_CONCURRENCY', required('REACTOR_CONCURRENCY'), 1, 1_000) },
    agents: {
      deadAfterMs: parseInteger('NODE_DEAD_AFTER_MS', required('NODE_DEAD_AFTER_MS'), 100, 600_000),
      planIntervalMs: parseRange('AGENT_PLAN_INTERVAL_MS', required('AGENT_PLAN_INTERVAL_MS')),
      maxPerNode: parseInteger('AGENT_MAX_PER_NODE', required('AGENT_MAX_PER_NODE'), 0, 100_000),
    },
  };
}

function parseRange(name: EnvVarName, raw: string): { min: number; max: number } {
  const match = /^(\d+)-(\d+)$/.exec(raw);
  if (!match || Number(match[1]) > Number(match[2])) throw new ConfigError(name, `must look like "2000-5000" (min-max in ms, min <= max)`);
  return { min: Number(match[1]), max: Number(match[2]) };
}

function loadDaemonConfig(required: (name: EnvVarName) => string): AppConfig['daemon'] {
  const high = parseInteger('DAEMON_BACKPRESSURE_HIGH', required('DAEMON_BACKPRESSURE_HIGH'), 1, 10_000_000);
  const low = parseInteger('DAEMON_BACKPRESSURE_LOW', required('DAEMON_BACKPRESSURE_LOW'), 0, 10_000_000);
  if (low > high) throw new ConfigError('DAEMON_BACKPRESSURE_LOW', `must not exceed DAEMON_BACKPRESSURE_HIGH (${low} > ${high})`);
  const retry = /^(\d+)-(\d+)$/.exec(required('DAEMON_STANDBY_RETRY_MS'));
  if (!retry || Number(retry[1]) > Number(retry[2])) {
    throw new ConfigError('DAEMON_STANDBY_RETRY_MS', `must look like "300-900" (min-max in ms, min <= max)`);
  }
  return {
    pageSize: parseInteger('DAEMON_PAGE_SIZE', required('DAEMON_PAGE_SIZE'), 1, 10_000),
    rebuildPageSize: parseInteger('DAEMON_REBUILD_PAGE_SIZE', required('DAEMON_REBUILD_PAGE_SIZE'), 1, 10_000),
    backpressureHigh: high,
    backpressureLow: low,
    pollIntervalMs: parseInteger('DAEMON_POLL_INTERVAL_MS', required('DAEMON_POLL_INTERVAL_MS'), 10, 600_000),
    liveReadGapMs: parseInteger('DAEMON_LIVE_READ_GAP_MS', required('DAEMON_LIVE_READ_GAP_MS'), 0, 10_000),
    standbyRetryMs: { min: Number(retry[1]), max: Number(retry[2]) },
    swapLockTimeoutMs: parseInteger('DAEMON_SWAP_LOCK_TIMEOUT_MS', required('DAEMON_SWAP_LOCK_TIMEOUT_MS'), 1, 600_000),
    heldBackWarnMs: parseInteger('FEED_HELD_BACK_WARN_MS', required('FEED_HELD_BACK_WARN_MS'), 0, 86_400_000),
    keepPreviousMs: parseInteger('REBUILD_KEEP_PREVIOUS_MS', required('REBUILD_KEEP_PREVIOUS_MS'), 0, 30 * 86_400_000),
    onlineRebuildMaxEventsPerSecond: parseInteger('REBUILD_ONLINE_MAX_EVENTS_PER_SECOND', required('REBUILD_ONLINE_MAX_EVENTS_PER_SECOND'), 0, 100_000_000),
    testSwitchDelayMs: parseInteger('TEST_REBUILD_SWITCH_DELAY_MS', required('TEST_REBUILD_SWITCH_DELAY_MS'), 0, 60_000),
    distribution: parseChoice('DAEMON_DISTRIBUTION', required('DAEMON_DISTRIBUTION'), DISTRIBUTIONS),
    leaseTtlMs: parseInteger('DAEMON_LEASE_TTL_MS', required('DAEMON_LEASE_TTL_MS'), 500, 600_000),
  };
}

function parseInteger(name: EnvVarName, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

function parseBoolean(name: EnvVarName, raw: string): boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(name, `must be "true" or "false" (got "${raw}")`);
}

function parseUrl(name: EnvVarName, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `must be an http(s) URL (got "${value}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(name, `must be an http(s) URL (got "${value}")`);
  return url.origin;
}

function parseChoice<T extends string>(name: EnvVarName, raw: string, choices: readonly T[]): T {
  if (!choices.includes(raw as T)) throw new ConfigError(name, `must be one of ${choices.join(', ')} (got "${raw}")`);
  return raw as T;
}
