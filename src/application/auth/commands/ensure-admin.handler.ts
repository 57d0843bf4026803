import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  assertAcceptablePassword,
  Email,
  EmailAlreadyRegisteredError,
  Role,
  User,
  USER_REPOSITORY,
  UserRepository,
} from '../../../domain/auth';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../../ports';
import { PASSWORD_HASHER, PasswordHasher, REFRESH_TOKEN_STORE, RefreshTokenStore } from '../ports';
import { EnsureAdminCommand, EnsureAdminOutcome } from './ensure-admin.command';

/**
 * Makes sure the configured admin exists, holds the admin role and has the configured password.
 * The configured password wins over the stored one: an account someone registered with this
 * address before it was made the admin's must not become an admin the stranger can sign in to,
 * so its password is replaced and its sessions are ended.
 */
@CommandHandler(EnsureAdminCommand)
export class EnsureAdminHandler implements ICommandHandler<EnsureAdminCommand, EnsureAdminOutcome> {
  constructor(
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @Inject(REFRESH_TOKEN_STORE) private readonly refreshTokens: RefreshTokenStore,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

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
    return existing ? this.update(existing, password, now) : this.create(email, password, now);
  }

  private async create(email: Email, password: string, now: Date): Promise<EnsureAdminOutcome> {
    const admin = User.register({ id: this.ids.next(), email, passwordHash: await this.hasher.hash(password), now });
    admin.grantRole(Role.Admin, now);
    await this.users.save(admin);
    return 'created';
  }

  private async update(user: User, password: string, now: Date): Promise<EnsureAdminOutcome> {
    user.grantRole(Role.Admin, now);
    const passwordChanged = !(await this.hasher.verify(password, user.passwordHash));
    if (passwordChanged) user.changePassword(await this.hasher.hash(password), now);
    if (user.peekEvents().length === 0) return 'unchanged';
    await this.users.save(user);
    if (passwordChanged) await this.refreshTokens.revokeAllOfUser(user.id, now);
    return 'updated';
  }
}
