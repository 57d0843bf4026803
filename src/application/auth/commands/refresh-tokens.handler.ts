import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { USER_REPOSITORY, UserRepository } from '../../../domain/auth';
import { CLOCK, Clock } from '../../ports';
import { AuthenticationFailedError } from '../authentication-failed.error';
import { REFRESH_TOKEN_STORE, RefreshTokenStore } from '../ports';
import { SessionTokens, TokenPair } from '../session-tokens';
import { RefreshTokensCommand } from './refresh-tokens.command';

/**
 * Rotation with theft detection: every refresh uses its token up and hands out a successor. A used
 * token coming back means two parties hold the family (the client and a thief, and we cannot tell
 * which is which), so the whole family is revoked and both must sign in again.
 */
@CommandHandler(RefreshTokensCommand)
export class RefreshTokensHandler implements ICommandHandler<RefreshTokensCommand, TokenPair> {
  constructor(
    @Inject(REFRESH_TOKEN_STORE) private readonly refreshTokens: RefreshTokenStore,
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sessions: SessionTokens,
  ) {}

  async execute({ refreshToken }: RefreshTokensCommand): Promise<TokenPair> {
    const now = this.clock.now();
    const use = await this.refreshTokens.consume(refreshToken, now);
    switch (use.outcome) {
      case 'unknown':
        throw AuthenticationFailedError.invalidRefreshToken();
      case 'expired':
        throw AuthenticationFailedError.refreshTokenExpired();
      case 'replayed':
        await this.refreshTokens.revokeFamily(use.familyId, now);
        throw AuthenticationFailedError.refreshTokenReused();
    }
    // Roles are read again, so a role granted since sign-in shows up at the next refresh.
    const user = await this.users.findById(use.userId);
    if (!user) throw AuthenticationFailedError.invalidRefreshToken();
    return this.sessions.continue(user, use.familyId);
  }
}
