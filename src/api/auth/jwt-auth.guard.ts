import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ProblemException } from '../problem/problem-exception';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer' };

/** Requires a valid bearer token; the problem says whether it was missing, expired or invalid. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  override handleRequest<T>(err: unknown, user: T, info: unknown, _context: ExecutionContext): T {
    if (user && !err) return user;
    const name = (info as Error | undefined)?.name;
    const message = (info as Error | undefined)?.message ?? '';
    if (name === 'TokenExpiredError') {
      throw new ProblemException(401, 'token-expired', 'Unauthorized', 'The access token has expired; refresh it.', { headers: CHALLENGE });
    }
    if (!info || message === 'No auth token') {
      throw new ProblemException(401, 'missing-token', 'Unauthorized', 'This endpoint needs an Authorization: Bearer token.', { headers: CHALLENGE });
    }
    throw new ProblemException(401, 'invalid-token', 'Unauthorized', 'The access token is not valid.', { headers: CHALLENGE });
  }
}
