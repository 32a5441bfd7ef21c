import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../admin-token.guard';
import { AdminEventStream } from './admin-event-stream';
import { formatEvent } from './snapshot-diff';

const KEEP_ALIVE_MS = 15_000;

/**
 * GET /api/admin/stream: server-sent events `projection`, `rebuild` and `node`, each carrying the
 * item as GET /api/admin/projections, /rebuilds and /nodes show it; first the whole state, then
 * every change and progress tick.
 */
@ApiTags('admin: stream')
@ApiBearerAuth()
@ApiProduces('text/event-stream')
@Controller('api/admin/stream')
@UseGuards(AdminTokenGuard)
export class AdminStreamController {
  constructor(private readonly stream: AdminEventStream) {}

  @Get()
  async open(@Req() request: Request, @Res() response: Response): Promise<void> {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.write(`retry: 2000\n\n`);
    // Listened for before subscribing: a client that leaves during the first read (which waits
    // for the database) must not stay subscribed, nor keep its keep-alive timer, for ever.
    let closed = false;
    let unsubscribe: (() => void) | undefined;
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    request.on('close', () => {
      closed = true;
      clearInterval(keepAlive);
      unsubscribe?.();
    });
    const release = await this.stream.subscribe({
      send: (events) => void response.write(events.map(formatEvent).join('')),
      end: () => response.end(),
    });
    if (closed) release();
    else unsubscribe = release;
  }
}
