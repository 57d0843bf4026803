import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Email, User, USER_REPOSITORY, UserRepository } from '../../../domain/auth';
import { ValidationError } from '../../../domain/shared';
import { AuthenticationFailedError } from '../authentication-failed.error';
import { PASSWORD_HASHER, PasswordHasher } from '../ports';
import { SessionTokens, TokenPair } from '../session-tokens';
import { LoginCommand } from './login.command';

@CommandHandler(LoginCommand)
export class LoginHandler implements ICommandHandler<LoginCommand, TokenPair> {
  constructor(
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    private readonly sessions: SessionTokens,
  ) {}

  async execute({ email, password }: LoginCommand): Promise<TokenPair> {
    const user = await this.findUser(email);
    // Verified even when there is no user, so that both failures take as long as each other.
    const matches = await this.hasher.verify(password, user?.passwordHash ?? null);
    if (!user || !matches) throw AuthenticationFailedError.invalidCredentials();
    return this.sessions.start(user);
  }

  private async findUser(email: string): Promise<User | null> {
    try {
      return await this.users.findByEmail(Email.of(email));
    } catch (error) {
      // No account can have a malformed address: that is a wrong credential, not a bad request.
      if (error instanceof ValidationError) return null;
      throw error;
    }
  }
}
