import { runHealthChecks } from './health-check';

describe('runHealthChecks', () => {
  it('is ok only when every check passes, and names the failing one', async () => {
    const ok = { name: 'postgres', check: async () => undefined };
    const failing = { name: 'redis', check: async () => Promise.reject(new Error('ECONNREFUSED')) };
    expect((await runHealthChecks([ok])).status).toBe('ok');
    const report = await runHealthChecks([ok, failing]);
    expect(report.status).toBe('error');
    expect(report.checks.redis).toMatchObject({ status: 'error', error: 'ECONNREFUSED' });
  });

  it('bounds a hanging check', async () => {
    const hanging = { name: 'amqp', check: () => new Promise<void>(() => undefined) };
    const report = await runHealthChecks([hanging]);
    expect(report.checks.amqp).toMatchObject({ status: 'error', error: expect.stringContaining('no answer') });
  });
});
