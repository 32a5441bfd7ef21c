import { CanActivate, ExecutionContext, HttpException, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { opsCounters } from '@projectionist/observability';
import { REBUILD_BOARD, RebuildBoardPort } from '@projectionist/shared-cache';
import type { Request } from 'express';
import { PRODUCES } from './produces.decorator';
import { GuardPolicy, heldBody, holdingRun, RETRY_AFTER_SECONDS } from './write-guard';

export const GUARD_POLICY = Symbol('GUARD_POLICY');

/**
 * The write-guard: while a blocking rebuild runs, writes get 503 with Retry-After and what they
 * wait for; reads go on. It reads the node's local copy of the shared state (no Redis round
 * trip per request), or PostgreSQL while Redis is unreachable. A guard rather than a middleware
 * because a scoped guard needs the route's declared event types.
 */
@Injectable()
export class WriteGuard implements CanActivate {
  constructor(
    @Inject(REBUILD_BOARD) private readonly board: RebuildBoardPort,
    @Inject(GUARD_POLICY) private readonly policy: GuardPolicy,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    const produces = this.reflector.get<string[] | undefined>(PRODUCES, context.getHandler());
    let active;
    try {
      active = await this.board.active();
    } catch (error) {
      // Neither Redis nor PostgreSQL could say: hold the write rather than guess.
      const run = holdingRun({ method: request.method, path: request.path, produces }, [UNKNOWN_RUN], { scope: 'all', feeds: () => undefined });
      if (!run) return true;
      opsCounters.writesHeld.inc({ projection: 'unknown' });
      throw new HttpException(
        { statusCode: 503, error: 'WRITES_HELD', message: `The rebuild state is unknown (${(error as Error).message}); retry shortly.`, retryAfterSeconds: RETRY_AFTER_SECONDS },
        503,
      );
    }
    const run = holdingRun({ method: request.method, path: request.path, produces }, active, this.policy);
    if (!run) return true;
    opsCounters.writesHeld.inc({ projection: run.projection });
    throw new HttpException(heldBody(run), 503);
  }
}

/** Stands for "some blocking rebuild may run" when the state cannot be read. */
const UNKNOWN_RUN = { id: 'unknown', projection: 'unknown', mode: 'blocking' } as Parameters<typeof holdingRun>[1][number];
