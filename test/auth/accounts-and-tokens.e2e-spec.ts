import jwt from 'jsonwebtoken';
import { sha256 } from '../support/hashing';
import { expectProblem } from '../support/problem';
import { startTestApp, TEST_JWT_SECRET, TestApp } from '../support/test-app';
import { b64url, call, client, nowSeconds, PASSWORD, query } from './auth-client';

/** Accounts and their tokens: registration, login, refresh rotation, and the bearer check. */
describe('Auth API (e2e, real PostgreSQL and Redis)', () => {
  let t: TestApp;
  let auth: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await startTestApp();
    auth = client(t);
  });
  afterAll(() => t?.close());

  describe('registration', () => {
    it('creates a plain user, stores an argon2id hash and signs the user in', async () => {
      const reply = await auth.register('  Alice@Example.com ');

      expect(reply.status).toBe(201);
      expect(reply.headers.get('cache-control')).toBe('no-store');
      expect(reply.body.user).toEqual({
        id: expect.any(String),
        email: 'alice@example.com',
        roles: ['user'],
        createdAt: expect.any(String),
      });
      expect(reply.body).toMatchObject({
        tokenType: 'Bearer',
        expiresIn: 900,
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
      });
      const [row] = await query(t.runtime.databaseUrl, 'select email, password_hash, roles from users where id = $1', [
        reply.body.user.id,
      ]);
      expect(row.email).toBe('alice@example.com');
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      expect(row.password_hash).not.toContain(PASSWORD);
      expect(row.roles).toEqual(['user']);
      const events = await query(
        t.runtime.databaseUrl,
        'select event_name, payload from outbox where aggregate_id = $1',
        [reply.body.user.id],
      );
      expect(events).toEqual([
        { event_name: 'user.registered', payload: { email: 'alice@example.com', roles: ['user'] } },
      ]);

      const me = await auth.me(reply.body.accessToken);
      expect(me.status).toBe(200);
      expect(me.body).toEqual({ userId: reply.body.user.id, roles: ['user'] });
    });

    it('refuses a second account for the same address, whatever its case (409)', async () => {
      expect((await auth.register('dup@example.com')).status).toBe(201);
      const again = await auth.register('DUP@example.COM', 'another password');
      expectProblem(again, 409, 'email-already-registered');
    });

    it('answers a malformed email and a short password with field errors (400)', async () => {
      const reply = await auth.register('not-an-email', 'short');
      expectProblem(reply, 400, 'validation-failed');
      const fields = reply.body.errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['email', 'password']));
    });

    it('refuses a password longer than 1024 characters', async () => {
      const reply = await auth.register('long@example.com', 'x'.repeat(1025));
      expectProblem(reply, 400, 'validation-failed');
      expect(reply.body.errors).toEqual([{ field: 'password', message: expect.stringContaining('1024') }]);
    });

    it('never grants admin: asking for roles is refused and creates no account', async () => {
      const reply = await call(t.baseUrl, 'POST', '/api/v1/auth/register', {
        body: { email: 'mallory@example.com', password: PASSWORD, roles: ['admin'] },
      });
      expectProblem(reply, 400, 'validation-failed');
      expect(reply.body.errors).toEqual([{ field: 'roles', message: expect.any(String) }]);
      expect(
        await query(t.runtime.databaseUrl, `select 1 from users where email = 'mallory@example.com'`),
      ).toHaveLength(0);
    });
  });

  describe('login', () => {
    beforeAll(() => auth.register('bob@example.com'));

    it('answers with a bearer token pair, whatever the case of the address', async () => {
      const reply = await auth.login('Bob@Example.com');
      expect(reply.status).toBe(200);
      expect(reply.headers.get('cache-control')).toBe('no-store');
      expect(Object.keys(reply.body).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken', 'tokenType']);
      expect(reply.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });

      const claims = jwt.verify(reply.body.accessToken, TEST_JWT_SECRET, {
        algorithms: ['HS256'],
        issuer: 'flexstorage',
      }) as jwt.JwtPayload;
      expect(claims).toMatchObject({ roles: ['user'], typ: 'access' });
      expect(claims.exp! - claims.iat!).toBe(900);
      expect((await auth.me(reply.body.accessToken)).body.userId).toBe(claims.sub);
    });

    it('gives the same 401 for a wrong password and for an unknown address', async () => {
      const wrongPassword = await auth.login('bob@example.com', 'not the password');
      const unknownUser = await auth.login('nobody@example.com');
      expectProblem(wrongPassword, 401, 'invalid-credentials');
      expectProblem(unknownUser, 401, 'invalid-credentials');
      expect(unknownUser.body.detail).toBe(wrongPassword.body.detail);
      expect(wrongPassword.headers.get('www-authenticate')).toBe('Bearer');
    });
  });

  describe('refresh', () => {
    let first: { accessToken: string; refreshToken: string };
    beforeAll(async () => {
      await auth.register('carol@example.com');
    });
    beforeEach(async () => {
      first = (await auth.login('carol@example.com')).body;
    });

    it('rotates: a new pair, and the used refresh token is marked used', async () => {
      const reply = await auth.refresh(first.refreshToken);

      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
      expect(reply.body.refreshToken).not.toBe(first.refreshToken);
      expect(reply.body.accessToken).not.toBe(first.accessToken);
      expect((await auth.me(reply.body.accessToken)).status).toBe(200);
      const rows = await query(
        t.runtime.databaseUrl,
        'select token_hash, family_id, revoked_at from refresh_tokens where token_hash = any($1)',
        [[sha256(first.refreshToken), sha256(reply.body.refreshToken)]],
      );
      const byHash = new Map(rows.map((r) => [r.token_hash, r]));
      expect(byHash.get(sha256(first.refreshToken))!.revoked_at).not.toBeNull();
      expect(byHash.get(sha256(reply.body.refreshToken))!.revoked_at).toBeNull();
      expect(byHash.get(sha256(first.refreshToken))!.family_id).toBe(
        byHash.get(sha256(reply.body.refreshToken))!.family_id,
      );
    });

    it('keeps only the SHA-256 of refresh tokens', async () => {
      const stored = await query(t.runtime.databaseUrl, 'select token_hash from refresh_tokens');
      expect(stored.map((r) => r.token_hash)).toContain(sha256(first.refreshToken));
      expect(stored.map((r) => r.token_hash)).not.toContain(first.refreshToken);
      expect(first.refreshToken.split('.')).toHaveLength(1); // opaque, not a JWT
    });

    it('treats a replayed refresh token as theft: 401, and its whole family is revoked', async () => {
      const second = (await auth.refresh(first.refreshToken)).body;
      const third = (await auth.refresh(second.refreshToken)).body;
      const otherSignIn = (await auth.login('carol@example.com')).body;

      const replay = await auth.refresh(first.refreshToken);

      expectProblem(replay, 401, 'refresh-token-reused');
      expectProblem(await auth.refresh(third.refreshToken), 401, 'refresh-token-reused');
      const family = await query(
        t.runtime.databaseUrl,
        'select revoked_at from refresh_tokens where family_id = (select family_id from refresh_tokens where token_hash = $1)',
        [sha256(first.refreshToken)],
      );
      expect(family.length).toBe(3);
      expect(family.every((r) => r.revoked_at !== null)).toBe(true);
      // Another sign-in of the same user is a different family and carries on.
      expect((await auth.refresh(otherSignIn.refreshToken)).status).toBe(200);
    });

    it('lets only one of two simultaneous refreshes with the same token win', async () => {
      const replies = await Promise.all([auth.refresh(first.refreshToken), auth.refresh(first.refreshToken)]);
      expect(replies.map((r) => r.status).sort()).toEqual([200, 401]);
    });

    it('refuses an unknown and an expired refresh token', async () => {
      expectProblem(await auth.refresh('made-up-token'), 401, 'invalid-refresh-token');
      await query(
        t.runtime.databaseUrl,
        `update refresh_tokens set expires_at = now() - interval '1 second' where token_hash = $1`,
        [sha256(first.refreshToken)],
      );
      expectProblem(await auth.refresh(first.refreshToken), 401, 'refresh-token-expired');
    });

    it('validates the body (400)', async () => {
      const reply = await call(t.baseUrl, 'POST', '/api/v1/auth/refresh', { body: {} });
      expectProblem(reply, 400, 'validation-failed');
      expect(reply.body.errors.map((e: { field: string }) => e.field)).toContain('refreshToken');
    });
  });

  describe('bearer tokens', () => {
    it('lets our own token through to the files API without any user row', async () => {
      expect((await auth.files(t.tokenFor('someone'))).status).toBe(200);
    });

    it('answers a missing token with 401 missing-token and a Bearer challenge', async () => {
      const reply = await auth.me();
      expectProblem(reply, 401, 'missing-token');
      expect(reply.headers.get('www-authenticate')).toBe('Bearer');
      expectProblem(await call(t.baseUrl, 'GET', '/api/v1/files'), 401, 'missing-token');
    });

    it('answers an expired token with 401 token-expired', async () => {
      expectProblem(await auth.me(t.tokenFor('dave', ['user'], { expiresIn: -10 })), 401, 'token-expired');
    });

    it('refuses tokens signed with another secret, by an unknown issuer, of another type or without expiry', async () => {
      const other = jwt.sign(
        { sub: 'dave', roles: ['admin'], typ: 'access' },
        'another-secret-that-is-also-long-enough-0123456789',
        { issuer: 'flexstorage', expiresIn: 600 },
      );
      const foreignIssuer = t.tokenFor('dave', ['user'], { issuer: 'someone-else' });
      const notAccess = jwt.sign({ sub: 'dave', roles: ['user'], typ: 'refresh' }, TEST_JWT_SECRET, {
        issuer: 'flexstorage',
        expiresIn: 600,
      });
      const neverExpires = jwt.sign({ sub: 'dave', roles: ['user'], typ: 'access' }, TEST_JWT_SECRET, {
        issuer: 'flexstorage',
      });
      const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: 'dave', iss: 'flexstorage', typ: 'access', exp: nowSeconds() + 600 })}.`;
      for (const token of [other, foreignIssuer, notAccess, neverExpires, unsigned, 'garbage']) {
        expectProblem(await auth.me(token), 401, 'invalid-token');
      }
    });

    it('keeps only the roles it knows from a token', async () => {
      const reply = await auth.me(t.tokenFor('erin', ['admin', 'superuser']));
      expect(reply.body).toEqual({ userId: 'erin', roles: ['admin'] });
    });
  });
});
