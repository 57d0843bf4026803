import { authFakes } from '../../../../test/support/auth-fakes';
import { Email, User } from '../../../domain/auth';
import { AuthenticationFailedError } from '../authentication-failed.error';
import { LoginCommand } from './login.command';
import { LoginHandler } from './login.handler';

describe('LoginHandler', () => {
  const setup = async () => {
    const f = authFakes();
    const dana = User.register({
      id: f.ids.next(),
      email: Email.of('dana@example.com'),
      passwordHash: await f.hasher.hash('dana password'),
      now: f.clock.now(),
    });
    await f.users.save(dana);
    return { ...f, dana, handler: new LoginHandler(f.users, f.hasher, f.sessions) };
  };

  it('signs in with the right password, whatever the case of the address', async () => {
    const { handler, dana, accessTokens } = await setup();
    const tokens = await handler.execute(new LoginCommand('Dana@Example.com', 'dana password'));
    expect(tokens.tokenType).toBe('Bearer');
    expect(accessTokens.issuedFor).toEqual([{ userId: dana.id, roles: ['user'] }]);
  });

  it('fails a wrong password and an unknown address alike', async () => {
    const { handler } = await setup();
    const failures = await Promise.all([
      handler.execute(new LoginCommand('dana@example.com', 'wrong password')).catch((e: unknown) => e),
      handler.execute(new LoginCommand('nobody@example.com', 'dana password')).catch((e: unknown) => e),
      handler.execute(new LoginCommand('not an address', 'dana password')).catch((e: unknown) => e),
    ]);
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(AuthenticationFailedError);
      expect(failure).toMatchObject({ code: 'invalid-credentials', message: (failures[0] as Error).message });
    }
  });

  it('still verifies a password when there is no such account, so timing does not tell', async () => {
    const { handler, hasher } = await setup();
    await expect(handler.execute(new LoginCommand('nobody@example.com', 'whatever'))).rejects.toMatchObject({
      code: 'invalid-credentials',
    });
    expect(hasher.verificationsWithoutHash).toBe(1);
  });

  it('starts a new token family at every sign-in', async () => {
    const { handler, refreshTokens } = await setup();
    const a = await handler.execute(new LoginCommand('dana@example.com', 'dana password'));
    const b = await handler.execute(new LoginCommand('dana@example.com', 'dana password'));
    expect(refreshTokens.tokens.get(a.refreshToken)!.familyId).not.toBe(
      refreshTokens.tokens.get(b.refreshToken)!.familyId,
    );
  });
});
