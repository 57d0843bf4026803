import { DomainError } from '../../domain/shared';

export type AuthenticationFailure =
  'invalid-credentials' | 'invalid-refresh-token' | 'refresh-token-expired' | 'refresh-token-reused';

/** The caller could not be authenticated; the api answers 401 like any other domain error kind. */
export class AuthenticationFailedError extends DomainError {
  readonly kind = 'unauthenticated' as const;

  private constructor(
    readonly code: AuthenticationFailure,
    message: string,
  ) {
    super(message);
  }

  /** One message for an unknown email and a wrong password alike, so accounts cannot be probed. */
  static invalidCredentials(): AuthenticationFailedError {
    return new AuthenticationFailedError('invalid-credentials', 'The email address or password is wrong.');
  }

  static invalidRefreshToken(): AuthenticationFailedError {
    return new AuthenticationFailedError('invalid-refresh-token', 'The refresh token is not valid; sign in again.');
  }

  static refreshTokenExpired(): AuthenticationFailedError {
    return new AuthenticationFailedError('refresh-token-expired', 'The refresh token has expired; sign in again.');
  }

  static refreshTokenReused(): AuthenticationFailedError {
    return new AuthenticationFailedError(
      'refresh-token-reused',
      'This refresh token was already used. Every session of that sign-in has been ended; sign in again.',
    );
  }
}
