import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { catchError, Observable, throwError } from 'rxjs';
import { AuthenticationFailedError } from '../../application/auth';
import { ProblemException } from '../problem/problem-exception';
import { BEARER_CHALLENGE } from './jwt-auth.guard';

/** Answers failed sign-ins and refreshes with 401 problems (the problem filter knows no 401 kind). */
@Injectable()
export class AuthenticationProblemsInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) =>
        throwError(() =>
          error instanceof AuthenticationFailedError
            ? new ProblemException(401, error.code, 'Unauthorized', error.message, { headers: BEARER_CHALLENGE })
            : error,
        ),
      ),
    );
  }
}
