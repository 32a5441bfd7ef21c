import { Controller, DynamicModule, Get, Injectable, Logger, MiddlewareConsumer, Module, NestModule, Res } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Registry } from 'prom-client';
import { observeRequest } from '../http/request-observer';
import { UNMATCHED_ROUTE } from '../metrics/http-metrics';
import { collectProcessMetrics, METRICS_CONTENT_TYPE, renderMetrics } from '../metrics/metrics-registry';

/** What GET /metrics renders: the process registry and those of components that keep their own (the daemon's gauges). */
@Injectable()
export class MetricsEndpoint {
  private readonly included = new Set<Registry>();

  include(registry: Registry): void {
    this.included.add(registry);
  }

  exclude(registry: Registry): void {
    this.included.delete(registry);
  }

  render(): Promise<string> {
    return renderMetrics([...this.included]);
  }
}

@Controller()
class MetricsController {
  constructor(private readonly endpoint: MetricsEndpoint) {}

  @Get('metrics')
  async metrics(@Res() res: Response): Promise<void> {
    res.type(METRICS_CONTENT_TYPE).send(await this.endpoint.render());
  }
}

/** Express keeps the route that matched on the request; its pattern, not the URL, labels the histogram. */
function routeOf(req: Request): string {
  return req.route?.path !== undefined ? `${req.baseUrl}${String(req.route.path)}` : UNMATCHED_ROUTE;
}

/**
 * The request middleware (see observeRequest). bootstrap() installs it before the body parser, so
 * that a body refused there (400, 413) is logged and counted too; the module installs it again
 * after, where it only re-enters the request's context.
 */
export function requestObserverMiddleware(): (req: Request, res: Response, next: NextFunction) => void {
  const options = { logger: new Logger('Http'), routeOf: (req: unknown) => routeOf(req as Request) };
  return (req, res, next) => observeRequest(req, res, options, next);
}

/**
 * GET /metrics (Prometheus) with the process metrics, and for every HTTP request: a request id,
 * an access log line and the duration histogram (see observeRequest). Global, so any module can
 * add its registry to the scrape through MetricsEndpoint.
 */
@Module({})
export class ObservabilityModule implements NestModule {
  static forRoot(): DynamicModule {
    collectProcessMetrics();
    return { module: ObservabilityModule, global: true, controllers: [MetricsController], providers: [MetricsEndpoint], exports: [MetricsEndpoint] };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(requestObserverMiddleware()).forRoutes('*');
  }
}
