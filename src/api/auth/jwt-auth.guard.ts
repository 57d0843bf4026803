import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { PinoLogger } from 'nestjs-pino';
import { Actor } from '../../domain/auth/role';
import type { Request } from 'express';
import { ProblemException } from '../problem/problem-exception';

/** Requires a valid bearer token; the problem says whether it was missing, expired or invalid. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly logger: PinoLogger) {
    super();
  }

  override handleRequest<T>(err: unknown, user: T, info: unknown, context: ExecutionContext): T {
    if (user && !err) {
      // From here on every log line of this request names the user.
      this.logger.assign({ userId: (user as unknown as Actor).userId });
      return user;
    }
    // Judged from the request, not from passport's info: a token refused by `validate` leaves no info.
    const authorization = context.switchToHttp().getRequest<Request>().headers.authorization;
    if (!authorization || !/^bearer\s+\S/i.test(authorization)) {
      throw new ProblemException(
        401,
        'missing-token',
        'Unauthorized',
        'This endpoint needs an Authorization: Bearer token.',
      );
    }
    if ((info as Error | undefined)?.name === 'TokenExpiredError') {
      throw new ProblemException(401, 'token-expired', 'Unauthorized', 'The access token has expired; refresh it.');
    }
    throw new ProblemException(401, 'invalid-token', 'Unauthorized', 'The access token is not valid.');
  }
}
