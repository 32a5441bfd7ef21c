import { Body, Controller, Get, Inject, NotFoundException, Param, Post, UseGuards } from '@nestjs/common';
import { AppendResult, EVENT_STORE, EventStore } from '@projectionist/event-store';
import { z } from 'zod';
import { ZodValidationPipe } from '../api/zod-validation.pipe';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiZodBody } from '../docs/api-zod-body.decorator';
import { AdminTokenGuard } from './admin-token.guard';

const streamIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'must be 1 to 200 letters, digits, "_" or "-"');
const appendBody = z.strictObject({
  expectedVersion: z.union([z.int().min(0), z.enum(['any', 'no_stream', 'stream_exists'])]).default('any'),
  events: z
    .array(
      z.strictObject({
        id: z.uuid().optional(),
        type: z.string().min(1).max(200),
        data: z.json(),
        metadata: z.record(z.string(), z.json()).optional(),
      }),
    )
    .min(1)
    .max(1000),
});

/** Raw events, for operators and tools: append with an expected version (409 on conflict), read a stream. */
@ApiTags('admin: streams')
@ApiBearerAuth()
@Controller('api/streams')
@UseGuards(AdminTokenGuard)
export class StreamsController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Post(':streamId/events')
  @ApiZodBody(appendBody)
  async append(
    @Param('streamId', new ZodValidationPipe(streamIdSchema)) streamId: string,
    @Body(new ZodValidationPipe(appendBody)) body: z.infer<typeof appendBody>,
  ): Promise<{ streamId: string; version: number; position: number; positions: readonly number[]; idempotent: boolean }> {
    const result: AppendResult = await this.store.append(streamId, body.events, { expectedVersion: body.expectedVersion });
    return {
      streamId,
      version: result.nextExpectedVersion,
      position: result.positions[result.positions.length - 1],
      positions: result.positions,
      idempotent: result.idempotent,
    };
  }

  @Get(':streamId')
  async read(@Param('streamId', new ZodValidationPipe(streamIdSchema)) streamId: string) {
    const events = await this.store.readStream(streamId);
    if (events.length === 0) throw new NotFoundException({ statusCode: 404, error: 'NOT_FOUND', message: `No stream ${streamId}` });
    return events;
  }
}
