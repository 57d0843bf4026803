export type AuthenticationFailure = 'invalid-credentials' | 'invalid-refresh-token' | 'refresh-token-expired' | 'refresh-token-reused';

/**
 * The caller could not be authenticated. Not a DomainError: no rule of the domain was broken, and
 * the api answers it with 401 (DomainErrorKind has no unauthenticated kind).
 */
export class AuthenticationFailedError extends Error {
  private constructor(
    readonly code: AuthenticationFailure,
    message: string,
  ) {
    super(message);
    this.name = 'AuthenticationFailedError';
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
