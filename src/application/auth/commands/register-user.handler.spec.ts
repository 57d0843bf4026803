import { authFakes } from '../../../../test/support/auth-fakes';
import { EmailAlreadyRegisteredError, Role } from '../../../domain/auth';
import { ValidationError } from '../../../domain/shared';
import { RegisterUserCommand } from './register-user.command';
import { RegisterUserHandler } from './register-user.handler';

describe('RegisterUserHandler', () => {
  const setup = () => {
    const f = authFakes();
    return { ...f, handler: new RegisterUserHandler(f.users, f.hasher, f.ids, f.clock, f.sessions) };
  };

  it('registers a plain user with a hashed password and starts a session', async () => {
    const { handler, users, refreshTokens } = setup();

    const { user, tokens } = await handler.execute(new RegisterUserCommand('Alice@Example.com', 'a long password'));

    expect(user).toMatchObject({ email: 'alice@example.com', roles: [Role.User] });
    expect((await users.findById(user.id))!.passwordHash).toBe('hashed:a long password');
    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(refreshTokens.isActive(tokens.refreshToken)).toBe(true);
  });

  it('refuses an address that is already registered, in any case, without saving', async () => {
    const { handler, users } = setup();
    await handler.execute(new RegisterUserCommand('bob@example.com', 'a long password'));

    await expect(
      handler.execute(new RegisterUserCommand('BOB@example.com', 'another password')),
    ).rejects.toBeInstanceOf(EmailAlreadyRegisteredError);
    expect(users.saves).toBe(1);
  });

  it('applies the password policy itself, not only the HTTP validation', async () => {
    const { handler } = setup();
    await expect(handler.execute(new RegisterUserCommand('carol@example.com', 'short'))).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(handler.execute(new RegisterUserCommand('not an email', 'a long password'))).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
