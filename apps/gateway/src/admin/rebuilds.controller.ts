import { Body, ConflictException, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, Post, ServiceUnavailableException, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '@projectionist/config';
import { ClientProxy } from '@nestjs/microservices';
import { AMQP_BROKER, BROKER_CLIENT, BrokerUnavailableError, MessageBroker } from '@projectionist/messaging';
import { MessageEnvelope, rebuildMessage } from '@projectionist/messaging-contracts';
import { ProjectionStatusReader } from '@projectionist/projection-daemon/status';
import { REBUILD_RUN_STORE, RebuildRunStorePort } from '@projectionist/rebuild-coordinator';
import { isSingleStream, Projection, sampleProjections } from '@projectionist/projections';
import { MAX_REBUILD_PARTITIONS, REBUILD_MODES, RebuildRejected, RebuildRun } from '@projectionist/rebuild-state';
import { REBUILD_BOARD, RebuildBoardPort } from '@projectionist/shared-cache';
import { randomUUID } from 'node:crypto';
import { lastValueFrom } from 'rxjs';
import { z } from 'zod';
import { ApiZodBody } from '../docs/api-zod-body.decorator';
import { ZodValidationPipe } from '../api/zod-validation.pipe';
import { AdminTokenGuard } from './admin-token.guard';

const rebuildBody = z
  .strictObject({
    mode: z.enum(REBUILD_MODES).default('blocking'),
    /** Online, single-stream projections: the build split by stream over this many workers' partitions. */
    partitions: z.number().int().min(1).max(MAX_REBUILD_PARTITIONS).default(1),
  })
  .refine((body) => body.partitions === 1 || body.mode === 'online', { path: ['partitions'], message: 'only online rebuilds are split into partitions: ask for mode "online"' });
const runId = new ZodValidationPipe(z.uuid());
const RETRY_AFTER_S = 5;

/**
 * Rebuilds. The gateway writes one transition of a run, Requested: recording it here is what
 * refuses a second request at once (409 with the running id) and gives the caller the run id.
 * Every later transition is the coordinator's, reached through the durable command queue. The
 * only other write is taking back (Withdraw) a run whose RequestRebuild could not be sent, which
 * the state machine allows only while the coordinator has not dispatched it.
 */
@ApiTags('admin: rebuilds')
@ApiBearerAuth()
@Controller('api/admin')
@UseGuards(AdminTokenGuard)
export class RebuildsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(AMQP_BROKER) private readonly broker: MessageBroker,
    @Inject(BROKER_CLIENT) private readonly client: ClientProxy,
    @Inject(REBUILD_RUN_STORE) private readonly runs: RebuildRunStorePort,
    @Inject(REBUILD_BOARD) private readonly board: RebuildBoardPort,
    private readonly projections: ProjectionStatusReader,
  ) {}

  /** The projections' definitions, as the workers run them: whether one may be partitioned. */
  private readonly definitions: readonly Projection[] = sampleProjections;

  @Post('projections/:name/rebuilds')
  @HttpCode(202)
  @ApiZodBody(rebuildBody)
  async request(@Param('name') name: string, @Body(new ZodValidationPipe(rebuildBody)) body: z.infer<typeof rebuildBody>) {
    await this.requireProjection(name);
    if (body.partitions > 1) this.requireSingleStream(name);
    this.requireBroker();
    let run: RebuildRun;
    try {
      const split = body.partitions > 1 ? { partitions: body.partitions } : {};
      run = await this.runs.request({ kind: 'Request', id: randomUUID(), projection: name, mode: body.mode, ...split });
    } catch (error) {
      if (error instanceof RebuildRejected) throw conflict(error);
      throw error;
    }
    try {
      const partitions = run.partitions?.length;
      await this.send(rebuildMessage('RequestRebuild', { runId: run.id, projection: name, mode: run.mode, ...(partitions && { partitions }) }, this.config.nodeId));
    } catch (error) {
      await this.withdrawOrKeep(run.id, error);
    }
    // Hold writes on every gateway now, not at the coordinator's next step.
    await this.share();
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

  /** The coordinator cancels (it also tells the worker to abort): one writer of Cancelled. */
  @Delete('rebuilds/:id')
  @HttpCode(202)
  async cancel(@Param('id', runId) id: string) {
    await this.get(id);
    this.requireBroker();
    await this.send(rebuildMessage('CancelRebuild', { runId: id }, this.config.nodeId));
    return { rebuildId: id, cancelling: true };
  }

  /**
   * Nothing may start behind a 503, so a run that could not be handed over is withdrawn before
   * answering. If the coordinator has it already (the message got through after all), it runs
   * and the caller gets its id; if the withdrawal itself fails, the 503 says what may happen.
   */
  private async withdrawOrKeep(id: string, sendError: unknown): Promise<void> {
    try {
      await this.runs.apply(id, { kind: 'Withdraw' });
    } catch (error) {
      if (error instanceof RebuildRejected) return;
      throw unavailable(
        `${(sendError as ServiceUnavailableException).message}; rebuild ${id} is recorded and could not be withdrawn (${(error as Error).message}), so it starts once the coordinator takes it over: follow GET /api/admin/rebuilds/${id}`,
        id,
      );
    }
    await this.share();
    throw sendError;
  }

  /** A failed share is no reason to fail the request: the coordinator shares on its next step. */
  private async share(): Promise<void> {
    await this.runs
      .snapshot()
      .then((snapshot) => this.board.publish(snapshot))
      .catch(() => undefined);
  }

  private async requireProjection(name: string): Promise<void> {
    if (!(await this.projections.get(name))) throw new NotFoundException({ statusCode: 404, error: 'NOT_FOUND', message: `No projection named ${name}` });
  }

  /**
   * A partition writes only its streams' documents: a projection whose documents gather several
   * streams' events (or that is not made of documents) would be built wrong in partitions.
   */
  private requireSingleStream(name: string): void {
    const projection = this.definitions.find((p) => p.name === name);
    if (projection && isSingleStream(projection)) return;
    throw new ConflictException({
      statusCode: 409,
      error: 'NOT_SINGLE_STREAM',
      message: `${name} is not a single-stream projection (one document per stream, built from that stream's events alone): its rebuild cannot be split into partitions; ask for partitions: 1`,
    });
  }

  private requireBroker(): void {
    if (this.broker.status !== 'connected') throw unavailable(`RabbitMQ is ${this.broker.status}`);
  }

  /** Any failure to hand a command over (a lost connection, a refused confirm) is the broker's: 503. */
  private async send(message: MessageEnvelope): Promise<void> {
    try {
      await lastValueFrom(this.client.emit(message.type, message), { defaultValue: undefined });
    } catch (error) {
      throw unavailable(error instanceof BrokerUnavailableError ? error.message : `RabbitMQ did not take the command: ${(error as Error).message}`);
    }
  }
}

function conflict(error: RebuildRejected): ConflictException {
  return new ConflictException({ statusCode: 409, error: error.code, message: error.message, rebuildId: error.runningId ?? null });
}

/** The exception filter turns `retryAfterSeconds` into a Retry-After header. */
function unavailable(message: string, rebuildId?: string): ServiceUnavailableException {
  return new ServiceUnavailableException({ statusCode: 503, error: 'BROKER_UNAVAILABLE', message, retryAfterSeconds: RETRY_AFTER_S, ...(rebuildId && { rebuildId }) });
}
