/** One dependency the app needs; `check` throws when it is not usable, and may return what it saw. */
export interface HealthCheck {
  readonly name: string;
  /**
   * false: the app serves without it, in a reduced way (e.g. the write-guard reads PostgreSQL while
   * Redis is down). A failure is reported (status `degraded`) but does not make the app not ready.
   */
  readonly required?: boolean;
  check(): Promise<void | Record<string, unknown>>;
}

export type HealthStatus = 'ok' | 'degraded' | 'error';

export interface CheckResult {
  readonly status: 'ok' | 'error';
  readonly required: boolean;
  readonly latencyMs: number;
  readonly error?: string;
  readonly details?: Record<string, unknown>;
}

export interface HealthReport {
  /** `error` when a required check fails (answered 503), `degraded` when only optional ones do. */
  readonly status: HealthStatus;
  readonly checks: Record<string, CheckResult>;
}

const CHECK_TIMEOUT_MS = 2000;

/** Runs every check in parallel, each bounded by a timeout, so /health answers even when a dependency hangs. */
export async function runHealthChecks(checks: readonly HealthCheck[]): Promise<HealthReport> {
  const results = await Promise.all(checks.map(async (c) => [c.name, await runOne(c)] as const));
  const failed = results.filter(([, r]) => r.status === 'error');
  const status: HealthStatus = failed.some(([, r]) => r.required) ? 'error' : failed.length > 0 ? 'degraded' : 'ok';
  return { status, checks: Object.fromEntries(results) };
}

async function runOne(c: HealthCheck): Promise<CheckResult> {
  const started = Date.now();
  const required = c.required ?? true;
  let timer: NodeJS.Timeout | undefined;
  try {
    const details = await Promise.race([
      c.check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'ok', required, latencyMs: Date.now() - started, ...(details ? { details } : {}) };
  } catch (error) {
    return { status: 'error', required, latencyMs: Date.now() - started, error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
