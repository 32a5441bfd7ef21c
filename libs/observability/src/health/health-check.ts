/** One dependency the app needs; `check` throws when it is not usable. */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<void>;
}

export interface HealthReport {
  readonly status: 'ok' | 'error';
  readonly checks: Record<string, { status: 'ok' | 'error'; latencyMs: number; error?: string }>;
}

const CHECK_TIMEOUT_MS = 2000;

/** Runs every check in parallel, each bounded by a timeout, so /health answers even when a dependency hangs. */
export async function runHealthChecks(checks: readonly HealthCheck[]): Promise<HealthReport> {
  const results = await Promise.all(
    checks.map(async (c) => {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          c.check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
          }),
        ]);
        return [c.name, { status: 'ok' as const, latencyMs: Date.now() - started }] as const;
      } catch (error) {
        return [c.name, { status: 'error' as const, latencyMs: Date.now() - started, error: (error as Error).message }] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const status = results.every(([, r]) => r.status === 'ok') ? 'ok' : 'error';
  return { status, checks: Object.fromEntries(results) };
}
