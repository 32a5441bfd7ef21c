import { Body, ConflictException, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, Post, ServiceUnavailableException, UseGuards } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@projectionist/config';
import { EVENT_STORE_POOL } from '@projectionist/event-store';
import { AMQP_BROKER, AmqpBroker, BrokerUnavailableError } from '@projectionist/messaging';
import { rebuildMessage } from '@projectionist/messaging-contracts';
import { ProjectionStatusReader } from '@projectionist/projection-daemon/status';
import { RebuildRunStore } from '@projectionist/rebuild-coordinator';
import { RebuildRejected } from '@projectionist/rebuild-state';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { z } from 'zod';
import { ZodValidationPipe } from '../api/zod-validation.pipe';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiZodBody } from '../docs/api-zod-body.decorator';
import { AdminTokenGuard } from './admin-token.guard';
import { REBUILD_BOARD } from '../write-guard/rebuild-board.token';
import type { RebuildBoard } from '@projectionist/shared-cache';

const rebuildBody = z.strictObject({ mode: z.literal('blocking').default('blocking') });
const runId = new ZodValidationPipe(z.uuid());
const RETRY_AFTER_S = 5;

/**
 * Rebuilds: the gateway records the run (so a second request is refused at once, 409 with the
 * running id) and hands it to the coordinator through the durable command queue.
 */
@ApiTags('admin: rebuilds')
@ApiBearerAuth()
@Controller('api/admin')
@UseGuards(AdminTokenGuard)
export class RebuildsController {
  private readonly runs: RebuildRunStore;

  constructor(
    @Inject(EVENT_STORE_POOL) pool: Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(AMQP_BROKER) private readonly broker: AmqpBroker,
    @Inject(REBUILD_BOARD) private readonly board: RebuildBoard,
    private readonly projections: ProjectionStatusReader,
  ) {
    this.runs = new RebuildRunStore(pool, config.namespace);
  }

  @Post('projections/:name/rebuilds')
  @HttpCode(202)
  @ApiZodBody(rebuildBody)
  async request(@Param('name') name: string, @Body(new ZodValidationPipe(rebuildBody)) body: z.infer<typeof rebuildBody>) {
    await this.requireProjection(name);
    this.requireBroker();
    let run;
    try {
      run = await this.runs.request({ kind: 'Request', id: randomUUID(), projection: name, mode: body.mode });
    } catch (error) {
      if (error instanceof RebuildRejected) throw conflict(error);
      throw error;
    }
    try {
      await this.send(rebuildMessage('RequestRebuild', { runId: run.id, projection: name }, this.config.nodeId));
    } catch (error) {
      // Nothing may start behind a 503: the run is cancelled before answering.
      await this.runs.apply(run.id, { kind: 'Cancel' });
      throw error;
    }
    // Hold writes on every gateway now, not at the coordinator's next step.
    await this.board.publish(await this.runs.active()).catch(() => undefined);
    return { rebuildId: run.id };
  }

  @Get('rebuilds')
  list() {
    return this.runs.list();
  }

  @Get('rebuilds/:id')
  async get(@Param('id', runId) id: string) {
    const run = await this.runs.get(id);
    if (!run) throw new NotFoundException({ statusCode: 404, error: 'NOT_FOUND', message: `No rebuild ${id}` });
    return run;
  }

  @Delete('rebuilds/:id')
  @HttpCode(202)
  async cancel(@Param('id', runId) id: string) {
    await this.get(id);
    this.requireBroker();
    await this.send(rebuildMessage('CancelRebuild', { runId: id }, this.config.nodeId));
    return { rebuildId: id, cancelling: true };
  }

  private async requireProjection(name: string): Promise<void> {
    if (!(await this.projections.get(name))) throw new NotFoundException({ statusCode: 404, error: 'NOT_FOUND', message: `No projection named ${name}` });
  }

  private requireBroker(): void {
    if (this.broker.status !== 'connected') throw unavailable(`RabbitMQ is ${this.broker.status}`);
  }

  private async send(message: Parameters<AmqpBroker['sendCommand']>[0]): Promise<void> {
    try {
      await this.broker.sendCommand(message);
    } catch (error) {
      if (error instanceof BrokerUnavailableError) throw unavailable(error.message);
      throw error;
    }
  }
}

function conflict(error: RebuildRejected): ConflictException {
  return new ConflictException({ statusCode: 409, error: error.code, message: error.message, rebuildId: error.runningId ?? null });
}

/** The exception filter turns `retryAfterSeconds` into a Retry-After header. */
function unavailable(message: string): ServiceUnavailableException {
  return new ServiceUnavailableException({ statusCode: 503, error: 'BROKER_UNAVAILABLE', message, retryAfterSeconds: RETRY_AFTER_S });
}
