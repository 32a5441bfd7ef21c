import { ConflictException, Controller, GatewayTimeoutException, HttpCode, NotFoundException, Param, Post, ServiceUnavailableException, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { BrokerUnavailableError } from '@projectionist/messaging';
import { ProjectionStatusReader } from '@projectionist/projection-daemon/status';
import { AdminTokenGuard } from './admin-token.guard';
import { Rollbacks } from './rollbacks';

const RETRY_AFTER_S = 5;

/**
 * Rollback: the projection's readers go back to the table its last online rebuild replaced (kept
 * REBUILD_KEEP_PREVIOUS_MS), which then catches up; or, with no such table, to the previous
 * version's table (pinned there; a second rollback goes forward again). 200 with the pause and the
 * version read now; 404 for an unknown projection; 409 when there is nothing to go back to, a
 * rebuild of it runs, or the version to go to runs on no worker; 503 while the broker is down; 504
 * when no worker answered (none holds the projection, or it is busy).
 */
@ApiTags('admin: rebuilds')
@ApiBearerAuth()
@Controller('api/admin/projections')
@UseGuards(AdminTokenGuard)
export class RollbackController {
  constructor(
    private readonly rollbacks: Rollbacks,
    private readonly projections: ProjectionStatusReader,
  ) {}

  @Post(':name/rollback')
  @HttpCode(200)
  async rollback(@Param('name') name: string): Promise<object> {
    if (!(await this.projections.get(name))) throw new NotFoundException({ statusCode: 404, error: 'NOT_FOUND', message: `No projection named ${name}` });
    let answer;
    try {
      answer = await this.rollbacks.request(name);
    } catch (error) {
      const message = error instanceof BrokerUnavailableError ? error.message : `RabbitMQ did not take the request: ${(error as Error).message}`;
      throw new ServiceUnavailableException({ statusCode: 503, error: 'BROKER_UNAVAILABLE', message, retryAfterSeconds: RETRY_AFTER_S });
    }
    if (answer.kind === 'completed') return { projection: name, worker: answer.reply.worker, pauseMs: answer.reply.pauseMs, version: answer.reply.version ?? null };
    if (answer.kind === 'timeout') {
      throw new GatewayTimeoutException({ statusCode: 504, error: 'ROLLBACK_NOT_ANSWERED', message: `No worker answered the rollback of ${name}: none holds it now, or it is busy` });
    }
    const { code, reason } = answer.reply;
    if (code === 'FAILED') throw new ServiceUnavailableException({ statusCode: 503, error: 'ROLLBACK_FAILED', message: reason, retryAfterSeconds: RETRY_AFTER_S });
    throw new ConflictException({ statusCode: 409, error: code, message: reason });
  }
}
