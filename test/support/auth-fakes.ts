import {
  PasswordHasher,
  RefreshTokenStore,
  RefreshTokenUse,
  SessionTokens,
  TokenIssuer,
} from '../../src/application/auth';
import { Clock, IdGenerator } from '../../src/application/ports';
import { Actor, Email, EmailAlreadyRegisteredError, User, UserRepository } from '../../src/domain/auth';

/**
 * In-memory stand-ins for the auth ports, for unit specs of the use cases. They keep the ports'
 * contracts (unique emails, single-use refresh tokens) so the handlers are tested against the
 * behaviour the real adapters have; the real adapters are covered by test/auth.e2e-spec.ts.
 */
export class InMemoryUserRepository implements UserRepository {
  readonly rows = new Map<string, User>();
  saves = 0;

  async findById(id: string): Promise<User | null> {
    return this.rows.get(id) ?? null;
  }

  async findByEmail(email: Email): Promise<User | null> {
    return [...this.rows.values()].find((u) => u.email.equals(email)) ?? null;
  }

  async save(user: User): Promise<void> {
    const other = await this.findByEmail(user.email);
    if (other && other.id !== user.id) throw new EmailAlreadyRegisteredError();
    this.saves += 1;
    user.pullEvents();
    user.markPersisted(1);
    this.rows.set(user.id, User.reconstitute(user.snapshot(), 1));
  }
}

/** Reversible on purpose: specs can see which password a hash stands for. */
export class PlainPasswordHasher implements PasswordHasher {
  verificationsWithoutHash = 0;

  async hash(plain: string): Promise<string> {
    return `hashed:${plain}`;
  }

  async verify(plain: string, hash: string | null): Promise<boolean> {
    if (hash === null) this.verificationsWithoutHash += 1;
    return hash === `hashed:${plain}`;
  }
}

export class CountingTokenIssuer implements TokenIssuer {
  readonly issuedFor: Actor[] = [];

  async issueAccessToken(actor: Actor) {
    this.issuedFor.push(actor);
    return { token: `access-${this.issuedFor.length}`, expiresIn: 900 };
  }
}

interface StoredRefreshToken {
  userId: string;
  familyId: string;
  expiresAt: Date;
  revokedAt: Date | null;
}

export class InMemoryRefreshTokenStore implements RefreshTokenStore {
  readonly tokens = new Map<string, StoredRefreshToken>();
  private issued = 0;

  constructor(private readonly ttlMs = 60_000) {}

  async issue(userId: string, familyId: string, now: Date) {
    const token = `refresh-${++this.issued}`;
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    this.tokens.set(token, { userId, familyId, expiresAt, revokedAt: null });
    return { token, expiresAt };
  }

  async consume(token: string, now: Date): Promise<RefreshTokenUse> {
    const row = this.tokens.get(token);
    if (!row) return { outcome: 'unknown' };
    if (row.revokedAt) return { outcome: 'replayed', userId: row.userId, familyId: row.familyId };
    if (row.expiresAt <= now) return { outcome: 'expired' };
    row.revokedAt = now;
    return { outcome: 'consumed', userId: row.userId, familyId: row.familyId };
  }

  async revokeFamily(familyId: string, now: Date): Promise<void> {
    for (const row of this.tokens.values()) if (row.familyId === familyId && !row.revokedAt) row.revokedAt = now;
  }

  async revokeAllOfUser(userId: string, now: Date): Promise<void> {
    for (const row of this.tokens.values()) if (row.userId === userId && !row.revokedAt) row.revokedAt = now;
  }

  isActive(token: string): boolean {
    return this.tokens.get(token)?.revokedAt === null;
  }
}

export class ManualClock implements Clock {
  constructor(public current = new Date('2026-11-23T10:00:00Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export class SequentialIds implements IdGenerator {
  private n = 0;
  next(): string {
    return `00000000-0000-7000-8000-${String(++this.n).padStart(12, '0')}`;
  }
}

/** Every fake wired together, as the module would wire the real adapters. */
export function authFakes() {
  const users = new InMemoryUserRepository();
  const hasher = new PlainPasswordHasher();
  const accessTokens = new CountingTokenIssuer();
  const refreshTokens = new InMemoryRefreshTokenStore();
  const clock = new ManualClock();
  const ids = new SequentialIds();
  const sessions = new SessionTokens(accessTokens, refreshTokens, ids, clock);
  return { users, hasher, accessTokens, refreshTokens, clock, ids, sessions };
}
