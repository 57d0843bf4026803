import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  assertAcceptablePassword,
  Email,
  EmailAlreadyRegisteredError,
  USER_REPOSITORY,
  UserRepository,
} from '../../../domain/auth';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../../ports';
import { PASSWORD_HASHER, PasswordHasher, REFRESH_TOKEN_STORE, RefreshTokenStore } from '../ports';
import { AdminAccount } from './admin-account';
import { EnsureAdminCommand, EnsureAdminOutcome } from './ensure-admin.command';

/**
 * Makes sure the configured admin exists, holds the admin role and has the configured password.
 * The configured password wins over the stored one: an account someone registered with this
 * address before it was made the admin's must not become an admin the stranger can sign in to,
 * so its password is replaced and its sessions are ended.
 */
@CommandHandler(EnsureAdminCommand)
export class EnsureAdminHandler implements ICommandHandler<EnsureAdminCommand, EnsureAdminOutcome> {
  private readonly account: AdminAccount;

  constructor(
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
    @Inject(PASSWORD_HASHER) hasher: PasswordHasher,
    @Inject(REFRESH_TOKEN_STORE) refreshTokens: RefreshTokenStore,
    @Inject(ID_GENERATOR) ids: IdGenerator,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.account = new AdminAccount(users, hasher, refreshTokens, ids);
  }

  async execute({ email: rawEmail, password }: EnsureAdminCommand): Promise<EnsureAdminOutcome> {
    const email = Email.of(rawEmail);
    assertAcceptablePassword(password);
    try {
      return await this.ensure(email, password);
    } catch (error) {
      // Another instance starting at the same moment created it first: check that one instead.
      if (error instanceof EmailAlreadyRegisteredError) return this.ensure(email, password);
      throw error;
    }
  }

  private async ensure(email: Email, password: string): Promise<EnsureAdminOutcome> {
    const now = this.clock.now();
    const existing = await this.users.findByEmail(email);
    return existing ? this.account.update(existing, password, now) : this.account.create(email, password, now);
  }
}
