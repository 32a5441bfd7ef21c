import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@projectionist/config';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/**
 * Admin endpoints need `Authorization: Bearer <ADMIN_TOKEN>`. Without ADMIN_TOKEN configured
 * every admin request is refused: an unset token must not mean an open door.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.expected = config.adminToken ? Buffer.from(config.adminToken) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    const ok = this.expected !== undefined && given.length === this.expected.length && timingSafeEqual(given, this.expected);
    if (!ok) {
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'UNAUTHORIZED',
        message: this.expected ? 'Send Authorization: Bearer <ADMIN_TOKEN>' : 'The admin API is disabled: ADMIN_TOKEN is not set',
      });
    }
    return true;
  }
}
