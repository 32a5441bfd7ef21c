import { Controller, DynamicModule, Get, Inject, Module, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthCheck, HealthReport, runHealthChecks } from './health-check';

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

const send = (res: Response, report: HealthReport) => void res.status(report.status === 'error' ? 503 : 200).json(report);

@Controller('health')
class HealthController {
  constructor(
    @Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[],
    @Inject(READINESS_CHECKS) private readonly readiness: HealthCheck[],
  ) {}

  /** As it always answered: PostgreSQL only. */
  @Get()
  async health(@Res() res: Response): Promise<void> {
    send(res, await runHealthChecks(this.checks));
  }

  /**
   * The process answers: nothing else is checked, so an outage of PostgreSQL, RabbitMQ or Redis
   * never gets a healthy process restarted (it reconnects by itself); only a stuck event loop fails it.
   */
  @Get('live')
  live(): object {
    return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
  }

  /** Whether this app can do its work now: PostgreSQL and what else it needs (503 when a required check fails). */
  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    send(res, await runHealthChecks([...this.checks, ...this.readiness]));
  }
}

export interface ReadinessOptions {
  readonly imports?: DynamicModule['imports'];
  readonly inject?: unknown[];
  readonly useFactory: (...deps: never[]) => HealthCheck[];
}

/**
 * GET /health (the base checks), /health/live and /health/ready (the base checks and the app's
 * own). 200 when every required check passes, else 503 with the failing checks and their errors.
 */
@Module({})
export class HealthModule {
  static register(options: { inject: unknown[]; useFactory: (...deps: never[]) => HealthCheck[]; readiness?: ReadinessOptions }): DynamicModule {
    const readiness = options.readiness;
    return {
      module: HealthModule,
      imports: readiness?.imports ?? [],
      controllers: [HealthController],
      providers: [
        { provide: HEALTH_CHECKS, inject: options.inject as never[], useFactory: options.useFactory },
        readiness
          ? { provide: READINESS_CHECKS, inject: (readiness.inject ?? []) as never[], useFactory: readiness.useFactory }
          : { provide: READINESS_CHECKS, useValue: [] },
      ],
    };
  }
}
