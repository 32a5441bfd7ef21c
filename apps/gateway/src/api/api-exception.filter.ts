import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DomainRejection } from '@projectionist/domain-commands';
import { opsCounters } from '@projectionist/observability';
import { DuplicateEventIdError, EventContentConflictError, EventValidationError, StreamVersionConflictError } from '@projectionist/event-store';
import { PositionNotFoundError, StaleReadTimeoutError } from '@projectionist/projection-daemon';
import type { Request, Response } from 'express';
import { maintenancePage } from '../write-guard/maintenance-page';

const DOMAIN_STATUS = { NOT_FOUND: 404, ALREADY_EXISTS: 409, INVALID_STATE: 409 } as const;
/** PostgreSQL ended the statement: it ran past statement_timeout (57014) or waited past lock_timeout (55P03). */
const DATABASE_TIMEOUT_STATES = new Set(['57014', '55P03']);
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** One place that turns typed errors into HTTP answers with a stable `error` code. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Api');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    const [status, body] = this.answer(exception);
    if (isDomainCommand(request)) opsCounters.commandsRejected.inc({ reason: reasonOf(status, body) });
    if (status >= 500 && status !== 503) this.logger.error(exception instanceof Error ? exception : new Error(String(exception)));
    const retryAfter = (body as { retryAfterSeconds?: number }).retryAfterSeconds;
    if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
    // A person's browser gets a page saying what is going on; programs keep the JSON.
    if ((body as { error?: string }).error === 'WRITES_HELD' && request.accepts(['application/json', 'text/html']) === 'text/html') {
      response.status(status).type('html').send(maintenancePage(body));
      return;
    }
    response.status(status).json(body);
  }

  private answer(e: unknown): [number, object] {
    if (e instanceof HttpException) {
      const body = e.getResponse();
      return [e.getStatus(), typeof body === 'string' ? { statusCode: e.getStatus(), message: body } : body];
    }
    if (isClientHttpError(e)) {
      // Raised by the body parser before any handler runs: bad JSON, a body over the limit.
      return [e.status, { statusCode: e.status, error: e.type ?? 'BAD_REQUEST', message: e.message }];
    }
    if (e instanceof DomainRejection) return [DOMAIN_STATUS[e.code], { statusCode: DOMAIN_STATUS[e.code], error: e.code, message: e.message }];
    if (e instanceof StreamVersionConflictError) {
      return [409, { statusCode: 409, error: e.code, message: e.message, actualVersion: e.actualVersion }];
    }
    if (e instanceof DuplicateEventIdError || e instanceof EventContentConflictError) {
      return [409, { statusCode: 409, error: e.code, message: e.message }];
    }
    if (e instanceof EventValidationError) return [400, { statusCode: 400, error: 'VALIDATION_FAILED', message: e.message, issues: e.issues }];
    if (e instanceof PositionNotFoundError) return [400, { statusCode: 400, error: 'UNKNOWN_POSITION', message: e.message }];
    if (e instanceof StaleReadTimeoutError) return [504, { statusCode: 504, error: 'STALE_READ_TIMEOUT', message: e.message, heldBack: e.heldBack }];
    if (DATABASE_TIMEOUT_STATES.has((e as { code?: string } | null)?.code ?? '')) {
      // The statement's transaction was rolled back: nothing was written, and the same request may succeed later.
      const message = 'The database did not answer in time (DATABASE_STATEMENT_TIMEOUT_MS); nothing was written, retry later.';
      return [503, { statusCode: 503, error: 'DATABASE_TIMEOUT', message, retryAfterSeconds: 1 }];
    }
    return [500, { statusCode: 500, error: 'INTERNAL', message: 'Internal error; see the gateway log.' }];
  }
}

/** A write of the domain API; the admin API's requests are not commands of the domain. */
function isDomainCommand(request: Request): boolean {
  return WRITE_METHODS.has(request.method) && request.path.startsWith('/api/') && !request.path.startsWith('/api/admin/');
}

/** The answer's stable error code; bodies without one (Nest's own exceptions) by their status. */
function reasonOf(status: number, body: object): string {
  const error = (body as { error?: unknown }).error;
  return typeof error === 'string' && /^[A-Za-z_.-]{1,64}$/.test(error) ? error : `HTTP_${status}`;
}

function isClientHttpError(e: unknown): e is { status: number; type?: string; message: string } {
  const status = (e as { status?: unknown } | null)?.status;
  return e instanceof Error && typeof status === 'number' && status >= 400 && status < 500;
}
