import { authFakes } from '../../../../test/support/auth-fakes';
import { Email, Role, User } from '../../../domain/auth';
import { RefreshTokensCommand } from './refresh-tokens.command';
import { RefreshTokensHandler } from './refresh-tokens.handler';

describe('RefreshTokensHandler', () => {
  const setup = async () => {
    const f = authFakes();
    const erin = User.register({
      id: f.ids.next(),
      email: Email.of('erin@example.com'),
      passwordHash: 'h',
      now: f.clock.now(),
    });
    await f.users.save(erin);
    const signIn = await f.sessions.start(erin);
    return { ...f, erin, signIn, handler: new RefreshTokensHandler(f.refreshTokens, f.users, f.clock, f.sessions) };
  };
  const refresh = (handler: RefreshTokensHandler, token: string) => handler.execute(new RefreshTokensCommand(token));

  it('uses the token up and issues its successor in the same family', async () => {
    const { handler, signIn, refreshTokens } = await setup();
    const next = await refresh(handler, signIn.refreshToken);
    expect(refreshTokens.isActive(signIn.refreshToken)).toBe(false);
    expect(refreshTokens.isActive(next.refreshToken)).toBe(true);
    expect(refreshTokens.tokens.get(next.refreshToken)!.familyId).toBe(
      refreshTokens.tokens.get(signIn.refreshToken)!.familyId,
    );
  });

  it('revokes the whole family when a used token comes back', async () => {
    const { handler, signIn, refreshTokens } = await setup();
    const next = await refresh(handler, signIn.refreshToken);

    await expect(refresh(handler, signIn.refreshToken)).rejects.toMatchObject({ code: 'refresh-token-reused' });
    expect(refreshTokens.isActive(next.refreshToken)).toBe(false);
    await expect(refresh(handler, next.refreshToken)).rejects.toMatchObject({ code: 'refresh-token-reused' });
  });

  it('leaves other sign-ins of the same user alone when one family is revoked', async () => {
    const { handler, signIn, sessions, erin } = await setup();
    const elsewhere = await sessions.start(erin);
    await refresh(handler, signIn.refreshToken);
    await expect(refresh(handler, signIn.refreshToken)).rejects.toMatchObject({ code: 'refresh-token-reused' });
    await expect(refresh(handler, elsewhere.refreshToken)).resolves.toMatchObject({ tokenType: 'Bearer' });
  });

  it('refuses unknown and expired tokens without revoking anything', async () => {
    const { handler, signIn, clock, refreshTokens } = await setup();
    await expect(refresh(handler, 'nonsense')).rejects.toMatchObject({ code: 'invalid-refresh-token' });
    clock.advance(61_000);
    await expect(refresh(handler, signIn.refreshToken)).rejects.toMatchObject({ code: 'refresh-token-expired' });
    expect(refreshTokens.tokens.get(signIn.refreshToken)!.revokedAt).toBeNull();
  });

  it('puts the roles the user has now into the new access token', async () => {
    const { handler, signIn, users, erin, accessTokens, clock } = await setup();
    const loaded = (await users.findById(erin.id))!;
    loaded.grantRole(Role.Admin, clock.now());
    await users.save(loaded);
    await refresh(handler, signIn.refreshToken);
    expect(accessTokens.issuedFor.at(-1)!.roles).toEqual([Role.User, Role.Admin]);
  });

  it('refuses the token of a user who no longer exists', async () => {
    const { handler, signIn, users, erin } = await setup();
    users.rows.delete(erin.id);
    await expect(refresh(handler, signIn.refreshToken)).rejects.toMatchObject({ code: 'invalid-refresh-token' });
  });
});
