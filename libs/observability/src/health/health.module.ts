import { Controller, DynamicModule, Get, Inject, Module, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthCheck, runHealthChecks } from './health-check';

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

@Controller('health')
class HealthController {
  constructor(@Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[]) {}

  @Get()
  async health(@Res() res: Response): Promise<void> {
    const report = await runHealthChecks(this.checks);
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  }
}

/** GET /health: 200 when every check passes, else 503 with the failing checks and their errors. */
@Module({})
export class HealthModule {
  static register(options: { inject: unknown[]; useFactory: (...deps: never[]) => HealthCheck[] }): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [{ provide: HEALTH_CHECKS, inject: options.inject as never[], useFactory: options.useFactory }],
    };
  }
}
