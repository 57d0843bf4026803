import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  assertAcceptablePassword,
  Email,
  EmailAlreadyRegisteredError,
  User,
  USER_REPOSITORY,
  UserRepository,
} from '../../../domain/auth';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../../ports';
import { PASSWORD_HASHER, PasswordHasher } from '../ports';
import { SessionTokens } from '../session-tokens';
import { toUserView } from '../user-view';
import { RegisterUserCommand, RegisterUserResult } from './register-user.command';

@CommandHandler(RegisterUserCommand)
export class RegisterUserHandler implements ICommandHandler<RegisterUserCommand, RegisterUserResult> {
  constructor(
    @Inject(USER_REPOSITORY) private readonly users: UserRepository,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sessions: SessionTokens,
  ) {}

  async execute({ email, password }: RegisterUserCommand): Promise<RegisterUserResult> {
    const address = Email.of(email);
    assertAcceptablePassword(password);
    // Checked first to spare an argon2 hash; the unique index still decides a race (save throws).
    if (await this.users.findByEmail(address)) throw new EmailAlreadyRegisteredError();
    const user = User.register({
      id: this.ids.next(),
      email: address,
      passwordHash: await this.hasher.hash(password),
      now: this.clock.now(),
    });
    await this.users.save(user);
    return { user: toUserView(user), tokens: await this.sessions.start(user) };
  }
}
