import { authFakes } from '../../../../test/support/auth-fakes';
import { Email, Role, User } from '../../../domain/auth';
import { EnsureAdminCommand } from './ensure-admin.command';
import { EnsureAdminHandler } from './ensure-admin.handler';

describe('EnsureAdminHandler', () => {
  const setup = () => {
    const f = authFakes();
    return { ...f, handler: new EnsureAdminHandler(f.users, f.hasher, f.refreshTokens, f.ids, f.clock) };
  };
  const ensure = (handler: EnsureAdminHandler, password = 'admin password') =>
    handler.execute(new EnsureAdminCommand('Root@Example.com', password));

  it('creates the admin when there is none', async () => {
    const { handler, users } = setup();
    expect(await ensure(handler)).toBe('created');
    const admin = (await users.findByEmail(Email.of('root@example.com')))!;
    expect(admin.roles).toEqual([Role.User, Role.Admin]);
    expect(admin.passwordHash).toBe('hashed:admin password');
  });

  it('changes nothing at a restart with the same settings', async () => {
    const { handler, users } = setup();
    await ensure(handler);
    expect(await ensure(handler)).toBe('unchanged');
    expect(users.saves).toBe(1);
  });

  it("promotes an existing account, replaces a password it did not set and ends that account's sessions", async () => {
    const { handler, users, sessions, refreshTokens, ids, clock } = setup();
    const squatter = User.register({
      id: ids.next(),
      email: Email.of('root@example.com'),
      passwordHash: 'hashed:squatter',
      now: clock.now(),
    });
    await users.save(squatter);
    const session = await sessions.start(squatter);

    expect(await ensure(handler)).toBe('updated');

    const admin = (await users.findById(squatter.id))!;
    expect(admin.roles).toContain(Role.Admin);
    expect(admin.passwordHash).toBe('hashed:admin password');
    expect(refreshTokens.isActive(session.refreshToken)).toBe(false);
  });

  it('promotes without ending sessions when the password already matches', async () => {
    const { handler, users, sessions, refreshTokens, ids, clock } = setup();
    const owner = User.register({
      id: ids.next(),
      email: Email.of('root@example.com'),
      passwordHash: 'hashed:admin password',
      now: clock.now(),
    });
    await users.save(owner);
    const session = await sessions.start(owner);

    expect(await ensure(handler)).toBe('updated');
    expect(refreshTokens.isActive(session.refreshToken)).toBe(true);
  });

  it('checks the account another instance created meanwhile instead of failing the start', async () => {
    const { handler, users, ids, clock } = setup();
    const original = users.findByEmail.bind(users);
    let first = true;
    users.findByEmail = async (email) => {
      if (first) {
        first = false;
        // Another instance wins the race between our lookup and our insert.
        await users.save(
          User.register({ id: ids.next(), email, passwordHash: 'hashed:admin password', now: clock.now() }),
        );
        return null;
      }
      return original(email);
    };
    expect(await ensure(handler)).toBe('updated');
    expect((await original(Email.of('root@example.com')))!.roles).toContain(Role.Admin);
  });
});
