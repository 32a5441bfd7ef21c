import { Body, Controller, Logger, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { JsonLogger } from '../logging/json-logger';
import { metricsRegistry } from '../metrics/metrics-registry';
import { ObservabilityModule, requestObserverMiddleware } from './observability.module';

@Controller('orders')
class OrdersController {
  private readonly logger = new Logger('Orders');

  /** Logs before and after waiting, as a handler does around a database call. */
  @Post()
  async create(@Body() body: { id: string }): Promise<object> {
    this.logger.log({ msg: 'creating', id: body.id });
    await new Promise((resolve) => setTimeout(resolve, 10));
    this.logger.warn({ msg: 'created', id: body.id });
    return { id: body.id };
  }
}

@Module({ imports: [ObservabilityModule.forRoot()], controllers: [OrdersController] })
class AppModule {}

/** The module in a Nest app as bootstrap() builds it (JSON body parser first, the JSON logger). */
describe('ObservabilityModule in a Nest app', () => {
  const lines: Record<string, unknown>[] = [];
  let app: NestExpressApplication;
  beforeAll(async () => {
    const logger = new JsonLogger({ app: 'gateway', nodeId: 'gw-1', level: 'info', write: (l) => lines.push(JSON.parse(l)) });
    app = await NestFactory.create<NestExpressApplication>(AppModule, { logger });
    app.use(requestObserverMiddleware());
    app.useBodyParser('json', { limit: 200 });
    await app.init();
  });
  afterAll(() => app.close());

  it('puts the request id on every line written while handling the request, and on its access log line', async () => {
    const requests = await Promise.all(
      ['r-1', 'r-2', 'r-3'].map((id) => request(app.getHttpServer()).post('/orders').set('X-Request-Id', id).send({ id: `order-${id}` })),
    );
    expect(requests.map((r) => r.headers['x-request-id'])).toEqual(['r-1', 'r-2', 'r-3']);
    for (const id of ['r-1', 'r-2', 'r-3']) {
      const mine = lines.filter((l) => l.requestId === id);
      expect(mine.map((l) => [l.msg, l.id])).toEqual([['creating', `order-${id}`], ['created', `order-${id}`], ['request', undefined]]);
      expect(mine[2]).toMatchObject({ context: 'Http', method: 'POST', route: '/orders', status: 201 });
    }
    // Lines written outside any request (the start) carry none.
    expect(lines.filter((l) => l.requestId === undefined && l.msg === 'request')).toEqual([]);
  });

  it('observes a body the parser refuses, once', async () => {
    const tooLarge = await request(app.getHttpServer()).post('/orders').set('X-Request-Id', 'big-1').send({ id: 'x'.repeat(500) });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers['x-request-id']).toBe('big-1');
    // One access line (Nest's own handler may log the refusal too, with the same id).
    expect(lines.filter((l) => l.requestId === 'big-1' && l.msg === 'request').map((l) => l.status)).toEqual([413]);
    expect(await metricsRegistry.metrics()).toMatch(/^projectionist_http_request_duration_seconds_count\{method="POST",route="\(unmatched\)",status_code="413"\} 1$/m);
    expect(await metricsRegistry.metrics()).toMatch(/^projectionist_http_request_duration_seconds_count\{method="POST",route="\/orders",status_code="201"\} 3$/m);
  });
});
