import { Email, Role, User, UserRepository } from '../../../domain/auth';
import { IdGenerator } from '../../ports';
import { PasswordHasher, RefreshTokenStore } from '../ports';
import { EnsureAdminOutcome } from './ensure-admin.command';

/** Creates the configured admin, or makes an existing account it: admin role, configured password. */
export class AdminAccount {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly refreshTokens: RefreshTokenStore,
    private readonly ids: IdGenerator,
  ) {}

  async create(email: Email, password: string, now: Date): Promise<EnsureAdminOutcome> {
    const admin = User.register({ id: this.ids.next(), email, passwordHash: await this.hasher.hash(password), now });
    admin.grantRole(Role.Admin, now);
    await this.users.save(admin);
    return 'created';
  }

  /** A replaced password ends the account's sessions: whoever registered the address first is signed out. */
  async update(user: User, password: string, now: Date): Promise<EnsureAdminOutcome> {
    user.grantRole(Role.Admin, now);
    const passwordChanged = !(await this.hasher.verify(password, user.passwordHash));
    if (passwordChanged) user.changePassword(await this.hasher.hash(password), now);
    if (user.peekEvents().length === 0) return 'unchanged';
    await this.users.save(user);
    if (passwordChanged) await this.refreshTokens.revokeAllOfUser(user.id, now);
    return 'updated';
  }
}
