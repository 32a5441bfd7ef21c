import { runHealthChecks } from './health-check';

describe('runHealthChecks', () => {
  it('is ok only when every check passes, and names the failing one', async () => {
    const ok = { name: 'postgres', check: async () => undefined };
    const failing = { name: 'redis', check: async () => Promise.reject(new Error('ECONNREFUSED')) };
    expect((await runHealthChecks([ok])).status).toBe('ok');
    const report = await runHealthChecks([ok, failing]);
    expect(report.status).toBe('error');
    expect(report.checks.redis).toMatchObject({ status: 'error', required: true, error: 'ECONNREFUSED' });
  });

  it('is degraded, not failed, when only a check the app can do without fails', async () => {
    const ok = { name: 'postgres', check: async () => ({ role: 'active' }) };
    const optional = { name: 'redis', required: false, check: async () => Promise.reject(new Error('ECONNREFUSED')) };
    const report = await runHealthChecks([ok, optional]);
    expect(report.status).toBe('degraded');
    expect(report.checks).toEqual({
      postgres: { status: 'ok', required: true, latencyMs: expect.any(Number), details: { role: 'active' } },
      redis: { status: 'error', required: false, latencyMs: expect.any(Number), error: 'ECONNREFUSED' },
    });
  });

  it('bounds a hanging check', async () => {
    const hanging = { name: 'amqp', check: () => new Promise<void>(() => undefined) };
    const report = await runHealthChecks([hanging]);
    expect(report.checks.amqp).toMatchObject({ status: 'error', error: expect.stringContaining('no answer') });
  });
});
