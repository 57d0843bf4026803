import { Email, knownRoles, User } from '../../domain/auth';
import { UserRecord } from './schemas/user.record';

// users has no version column: a loaded user is simply "persisted" (version 1).
const PERSISTED = 1;

export const UserMapper = {
  toDomain(r: UserRecord): User {
    return User.reconstitute(
      {
        id: r.id,
        email: Email.of(r.email),
        passwordHash: r.passwordHash,
        roles: knownRoles(r.roles),
        createdAt: r.createdAt,
      },
      PERSISTED,
    );
  },

  toRecord(user: User): UserRecord {
    const s = user.snapshot();
    return {
      id: s.id,
      email: s.email.value,
      passwordHash: s.passwordHash,
      roles: [...s.roles],
      createdAt: s.createdAt,
    };
  },
};
