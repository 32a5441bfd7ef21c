import { ConfigError, loadConfig } from './index';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig('gateway', {});
    expect(config).toMatchObject({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
      namespace: 'projectionist',
      port: 3000,
      adminToken: undefined,
      migrateOnStart: true,
      eventMaxPayloadBytes: 1_048_576,
      writeGuardScope: 'all',
    });
    expect(config.nodeId).toMatch(/^gateway-/);
  });

  it('uses per-app default ports', () => {
    expect(loadConfig('projector-worker', {}).port).toBe(3100);
    expect(loadConfig('coordinator', {}).port).toBe(3200);
    expect(loadConfig('admin-ui', {}).port).toBe(4200);
  });

  it('reads the gateway URL of the admin UI as an origin', () => {
    expect(loadConfig('admin-ui', {}).gatewayUrl).toBe('http://127.0.0.1:3000');
    expect(loadConfig('admin-ui', { GATEWAY_URL: 'https://gw.example:8443/' }).gatewayUrl).toBe('https://gw.example:8443');
  });

  it.each([
    ['NAMESPACE', 'Bad-Name'],
    ['PORT', '70000'],
    ['MIGRATE_ON_START', 'yes'],
    ['EVENT_MAX_PAYLOAD_BYTES', '-1'],
    ['LOG_LEVEL', 'verbose'],
    ['WRITE_GUARD_SCOPE', 'some'],
    ['GATEWAY_URL', 'gateway:3000'],
    ['GATEWAY_URL', 'ftp://gateway'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig('gateway', { [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig('gateway', { [name]: value })).toThrow(name);
  });
});

describe('loadConfig daemon settings', () => {
  it('reads the daemon tuning with defaults', () => {
    expect(loadConfig('projector-worker', {}).daemon).toEqual({
      pageSize: 500,
      rebuildPageSize: 5000,
      backpressureHigh: 1000,
      backpressureLow: 500,
      pollIntervalMs: 1000,
      liveReadGapMs: 10,
      standbyRetryMs: { min: 300, max: 900 },
      swapLockTimeoutMs: 5_000,
      heldBackWarnMs: 10_000,
      keepPreviousMs: 3_600_000,
      onlineRebuildMaxEventsPerSecond: 0,
      testSwitchDelayMs: 0,
      distribution: 'distributed',
      leaseTtlMs: 5_000,
    });
    expect(loadConfig('coordinator', {}).agents).toEqual({ deadAfterMs: 5_000, planIntervalMs: { min: 2_000, max: 5_000 }, maxPerNode: 0 });
    expect(loadConfig('projector-worker', { DAEMON_DISTRIBUTION: 'hotcold' }).daemon.distribution).toBe('hotcold');
  });

  it.each([
    [{ DAEMON_BACKPRESSURE_LOW: '2000' }, 'DAEMON_BACKPRESSURE_LOW'],
    [{ DAEMON_STANDBY_RETRY_MS: '900-300' }, 'DAEMON_STANDBY_RETRY_MS'],
    [{ REBUILD_KEEP_PREVIOUS_MS: '-1' }, 'REBUILD_KEEP_PREVIOUS_MS'],
    [{ REBUILD_LEASE_TIMEOUT_MS: '10' }, 'REBUILD_LEASE_TIMEOUT_MS'],
    [{ TEST_REBUILD_SWITCH_DELAY_MS: '-5' }, 'TEST_REBUILD_SWITCH_DELAY_MS'],
    [{ DAEMON_PAGE_SIZE: '0' }, 'DAEMON_PAGE_SIZE'],
    [{ FEED_HELD_BACK_WARN_MS: 'soon' }, 'FEED_HELD_BACK_WARN_MS'],
    [{ DAEMON_SWAP_LOCK_TIMEOUT_MS: '0' }, 'DAEMON_SWAP_LOCK_TIMEOUT_MS'],
    [{ DAEMON_DISTRIBUTION: 'hot-cold' }, 'DAEMON_DISTRIBUTION'],
    [{ DAEMON_LEASE_TTL_MS: '100' }, 'DAEMON_LEASE_TTL_MS'],
    [{ AGENT_PLAN_INTERVAL_MS: '5000' }, 'AGENT_PLAN_INTERVAL_MS'],
    [{ NODE_DEAD_AFTER_MS: 'late' }, 'NODE_DEAD_AFTER_MS'],
  ])('rejects %o naming %s', (env, name) => {
    expect(() => loadConfig('projector-worker', env)).toThrow(name);
  });
});
