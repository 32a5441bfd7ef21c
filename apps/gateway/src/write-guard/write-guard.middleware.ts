import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { REBUILD_BOARD } from './rebuild-board.token';
import { heldBody, holdingRun, RETRY_AFTER_SECONDS } from './write-guard';
import type { RebuildBoard } from '@projectionist/shared-cache';

/**
 * The write-guard: while a blocking rebuild runs, writes get 503 with Retry-After and what they
 * wait for; reads go on. It reads the node's local copy of the shared state (no Redis round
 * trip per request), or PostgreSQL while Redis is unreachable.
 */
@Injectable()
export class WriteGuardMiddleware implements NestMiddleware {
  constructor(@Inject(REBUILD_BOARD) private readonly board: RebuildBoard) {}

  async use(request: Request, response: Response, next: NextFunction): Promise<void> {
    try {
      // originalUrl: `path` is relative to where the middleware is mounted.
      const run = holdingRun(request.method, request.originalUrl.split('?')[0], await this.board.active());
      if (!run) return next();
      response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      response.status(503).json(heldBody(run));
    } catch (error) {
      // Neither Redis nor PostgreSQL could say: hold the write rather than guess.
      response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      response.status(503).json({ statusCode: 503, error: 'WRITES_HELD', message: `The rebuild state is unknown (${(error as Error).message}); retry shortly.` });
    }
  }
}
