import { Email } from './email';
import { knownRoles, Role } from './role';
import { User } from './user';
import { UserPasswordChanged, UserRegistered, UserRoleGranted } from './user.events';

const now = new Date('2026-11-23T10:00:00Z');
const register = () => User.register({ id: 'u-1', email: Email.of('alice@example.com'), passwordHash: 'hash-1', now });

describe('User', () => {
  it('registers as a plain user and records it', () => {
    const user = register();
    expect(user.roles).toEqual([Role.User]);
    expect(user.version).toBe(0);
    const [event] = user.pullEvents();
    expect(event).toBeInstanceOf(UserRegistered);
    expect(event.payload).toEqual({ email: 'alice@example.com', roles: ['user'] });
  });

  it('records a granted role once', () => {
    const user = register();
    user.pullEvents();
    user.grantRole(Role.Admin, now);
    user.grantRole(Role.Admin, now);
    expect(user.roles).toEqual([Role.User, Role.Admin]);
    expect(user.pullEvents().map((e) => e.constructor)).toEqual([UserRoleGranted]);
  });

  it('records a password change without putting the hash in the event', () => {
    const user = register();
    user.pullEvents();
    user.changePassword('hash-2', now);
    expect(user.passwordHash).toBe('hash-2');
    const [event] = user.pullEvents();
    expect(event).toBeInstanceOf(UserPasswordChanged);
    expect(JSON.stringify(event.payload)).not.toContain('hash-2');
  });

  it('acts as an actor with its own id and roles', () => {
    expect(register().toActor()).toEqual({ userId: 'u-1', roles: [Role.User] });
  });

  it('does not share its roles with a snapshot', () => {
    const user = register();
    user.snapshot().roles.push(Role.Admin);
    expect(user.roles).toEqual([Role.User]);
  });
});

describe('knownRoles', () => {
  it('keeps known role names once and drops everything else', () => {
    expect(knownRoles(['admin', 'offline_access', 'user', 'admin', 42, null])).toEqual([Role.Admin, Role.User]);
  });
});
