import { createHash, createHmac, generateKeyPairSync, KeyObject } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { Client } from 'pg';
import { createHttpApp } from '../src/app.factory';
import { loadConfig } from '../src/infrastructure/config/app-config';
import { startTestApp, TEST_JWT_SECRET, TestApp } from './support/test-app';

const PROBLEM = /^application\/problem\+json/;
const PROBLEMS = 'https://flexstorage.dev/problems/';
const PASSWORD = 'correct horse battery staple';

interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

async function call(baseUrl: string, method: string, path: string, options: { body?: unknown; token?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const res = await fetch(baseUrl + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** The auth endpoints and the bearer check of one running app. */
function client(t: { baseUrl: string }) {
  return {
    register: (email: string, password = PASSWORD) => call(t.baseUrl, 'POST', '/api/v1/auth/register', { body: { email, password } }),
    login: (email: string, password = PASSWORD) => call(t.baseUrl, 'POST', '/api/v1/auth/login', { body: { email, password } }),
    refresh: (refreshToken: string) => call(t.baseUrl, 'POST', '/api/v1/auth/refresh', { body: { refreshToken } }),
    me: (token?: string) => call(t.baseUrl, 'GET', '/api/v1/auth/me', { token }),
    files: (token: string) => call(t.baseUrl, 'GET', '/api/v1/files', { token }),
  };
}

function expectProblem(reply: Reply, status: number, code: string): void {
  expect(reply.status).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(PROBLEM);
  expect(reply.body).toMatchObject({ status, type: PROBLEMS + code });
}

async function query<T = any>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    return (await db.query(sql, params)).rows;
  } finally {
    await db.end();
  }
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);

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
      expect(reply.body.user).toEqual({ id: expect.any(String), email: 'alice@example.com', roles: ['user'], createdAt: expect.any(String) });
      expect(reply.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, accessToken: expect.any(String), refreshToken: expect.any(String) });
      const [row] = await query(t.runtime.databaseUrl, 'select email, password_hash, roles from users where id = $1', [reply.body.user.id]);
      expect(row.email).toBe('alice@example.com');
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      expect(row.password_hash).not.toContain(PASSWORD);
      expect(row.roles).toEqual(['user']);
      const events = await query(t.runtime.databaseUrl, 'select event_name, payload from outbox where aggregate_id = $1', [reply.body.user.id]);
      expect(events).toEqual([{ event_name: 'user.registered', payload: { email: 'alice@example.com', roles: ['user'] } }]);

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
      const reply = await call(t.baseUrl, 'POST', '/api/v1/auth/register', { body: { email: 'mallory@example.com', password: PASSWORD, roles: ['admin'] } });
      expectProblem(reply, 400, 'validation-failed');
      expect(reply.body.errors).toEqual([{ field: 'roles', message: expect.any(String) }]);
      expect(await query(t.runtime.databaseUrl, `select 1 from users where email = 'mallory@example.com'`)).toHaveLength(0);
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

      const claims = jwt.verify(reply.body.accessToken, TEST_JWT_SECRET, { algorithms: ['HS256'], issuer: 'flexstorage' }) as jwt.JwtPayload;
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
      const rows = await query(t.runtime.databaseUrl, 'select token_hash, family_id, revoked_at from refresh_tokens where token_hash = any($1)', [
        [sha256(first.refreshToken), sha256(reply.body.refreshToken)],
      ]);
      const byHash = new Map(rows.map((r) => [r.token_hash, r]));
      expect(byHash.get(sha256(first.refreshToken))!.revoked_at).not.toBeNull();
      expect(byHash.get(sha256(reply.body.refreshToken))!.revoked_at).toBeNull();
      expect(byHash.get(sha256(first.refreshToken))!.family_id).toBe(byHash.get(sha256(reply.body.refreshToken))!.family_id);
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
      const family = await query(t.runtime.databaseUrl, 'select revoked_at from refresh_tokens where family_id = (select family_id from refresh_tokens where token_hash = $1)', [
        sha256(first.refreshToken),
      ]);
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
      await query(t.runtime.databaseUrl, `update refresh_tokens set expires_at = now() - interval '1 second' where token_hash = $1`, [sha256(first.refreshToken)]);
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
      const other = jwt.sign({ sub: 'dave', roles: ['admin'], typ: 'access' }, 'another-secret-that-is-also-long-enough-0123456789', { issuer: 'flexstorage', expiresIn: 600 });
      const foreignIssuer = t.tokenFor('dave', ['user'], { issuer: 'someone-else' });
      const notAccess = jwt.sign({ sub: 'dave', roles: ['user'], typ: 'refresh' }, TEST_JWT_SECRET, { issuer: 'flexstorage', expiresIn: 600 });
      const neverExpires = jwt.sign({ sub: 'dave', roles: ['user'], typ: 'access' }, TEST_JWT_SECRET, { issuer: 'flexstorage' });
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

describe('Admin bootstrap (e2e)', () => {
  const ADMIN = { ADMIN_EMAIL: 'Root@Example.com', ADMIN_PASSWORD: 'the admin password' };
  let t: TestApp;
  let auth: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await startTestApp(ADMIN, { workers: false });
    auth = client(t);
  });
  afterAll(() => t?.close());

  /** The same database served by a second instance, as after a restart with a new configuration. */
  async function restartWith(env: Record<string, string>): Promise<INestApplication> {
    const config = loadConfig({ ...env, DATA_DIR: t.dataDir, JWT_SECRET: TEST_JWT_SECRET, QUEUE_PREFIX: t.config.queuePrefix, LOG_LEVEL: 'error' });
    const app = await createHttpApp({ config, runtime: t.runtime, api: true, workers: false });
    await app.init();
    return app;
  }

  it('creates the configured admin at start', async () => {
    const login = await auth.login('root@example.com', ADMIN.ADMIN_PASSWORD);
    expect(login.status).toBe(200);
    expect((await auth.me(login.body.accessToken)).body.roles).toEqual(['user', 'admin']);
    const rows = await query(t.runtime.databaseUrl, `select roles from users where email = 'root@example.com'`);
    expect(rows).toEqual([{ roles: ['user', 'admin'] }]);
  });

  it('does not let anyone register the admin address', async () => {
    expectProblem(await auth.register('root@example.com'), 409, 'email-already-registered');
  });

  it('takes over an account registered earlier with the address: admin role, configured password, old sessions ended', async () => {
    const early = await auth.register('boss@example.com', 'the squatter password');
    expect(early.body.user.roles).toEqual(['user']);

    const restarted = await restartWith({ ADMIN_EMAIL: 'boss@example.com', ADMIN_PASSWORD: 'the real boss password' });
    try {
      expectProblem(await auth.login('boss@example.com', 'the squatter password'), 401, 'invalid-credentials');
      expect((await auth.refresh(early.body.refreshToken)).status).toBe(401);
      const login = await auth.login('boss@example.com', 'the real boss password');
      expect(login.status).toBe(200);
      expect((await auth.me(login.body.accessToken)).body).toEqual({ userId: early.body.user.id, roles: ['user', 'admin'] });
    } finally {
      await restarted.close();
    }
  });

  it('refuses to start with half an admin configuration', () => {
    expect(() => loadConfig({ ADMIN_EMAIL: 'x@example.com' })).toThrow(/ADMIN_EMAIL and ADMIN_PASSWORD/);
    expect(() => loadConfig({ ADMIN_EMAIL: 'x@example.com', ADMIN_PASSWORD: 'short' })).toThrow(/ADMIN_PASSWORD/);
  });
});

describe('External issuer with a shared secret (HS256)', () => {
  const ISSUER = 'https://id.example.com/realms/mobile';
  const SECRET = 'the-identity-providers-shared-secret-0123456789';
  let t: TestApp;
  let auth: ReturnType<typeof client>;
  const external = (claims: object, options: jwt.SignOptions = {}, secret = SECRET) =>
    jwt.sign({ aud: 'flexstorage-api', ...claims }, secret, { issuer: ISSUER, expiresIn: 300, ...options });

  beforeAll(async () => {
    t = await startTestApp(
      { JWT_EXTERNAL_ISSUER: ISSUER, JWT_EXTERNAL_SECRET: SECRET, JWT_EXTERNAL_AUDIENCE: 'flexstorage-api', JWT_EXTERNAL_ROLES_CLAIM: 'realm_access.roles' },
      { workers: false },
    );
    auth = client(t);
  });
  afterAll(() => t?.close());

  it('accepts its tokens for users we have no row for: sub is the user id, roles come from the claim', async () => {
    const token = external({ sub: 'kc-user-42', realm_access: { roles: ['admin', 'offline_access'] } });
    expect((await auth.me(token)).body).toEqual({ userId: 'kc-user-42', roles: ['admin'] });
    expect((await auth.files(token)).status).toBe(200);
  });

  it('makes a token without the roles claim a plain user', async () => {
    expect((await auth.me(external({ sub: 'kc-user-43' }))).body).toEqual({ userId: 'kc-user-43', roles: ['user'] });
  });

  it('still accepts our own tokens', async () => {
    expect((await auth.me(t.tokenFor('local-user'))).body).toEqual({ userId: 'local-user', roles: ['user'] });
  });

  it('refuses a wrong issuer, a wrong audience, a wrong secret, and our issuer signed with its secret', async () => {
    const refused = [
      external({ sub: 'x' }, { issuer: 'https://evil.example.com/' }),
      external({ sub: 'x', aud: 'someone-else' }),
      external({ sub: 'x', aud: undefined }),
      external({ sub: 'x' }, {}, 'a-different-secret-of-good-length-0123456789'),
      external({ sub: 'x', typ: 'access' }, { issuer: 'flexstorage' }),
    ];
    for (const token of refused) expectProblem(await auth.me(token), 401, 'invalid-token');
  });

  it('reports its expired tokens as expired', async () => {
    expectProblem(await auth.me(external({ sub: 'x' }, { expiresIn: -5 })), 401, 'token-expired');
  });
});

describe('External issuer with a public key (RS256)', () => {
  const ISSUER = 'https://login.example.org';
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  let t: TestApp;
  let auth: ReturnType<typeof client>;
  const sign = (claims: object, key: KeyObject = privateKey, options: jwt.SignOptions = {}) =>
    jwt.sign(claims, key, { algorithm: 'RS256', issuer: ISSUER, expiresIn: 300, ...options });

  beforeAll(async () => {
    // As it would come from an env file: one line with literal \n.
    t = await startTestApp({ JWT_EXTERNAL_ISSUER: ISSUER, JWT_EXTERNAL_PUBLIC_KEY: publicPem.replace(/\n/g, '\\n') }, { workers: false });
    auth = client(t);
  });
  afterAll(() => t?.close());

  it('accepts tokens signed with the matching private key', async () => {
    const reply = await auth.me(sign({ sub: 'auth0|abc', roles: ['user', 'admin'] }));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ userId: 'auth0|abc', roles: ['user', 'admin'] });
  });

  it('refuses another key, another issuer, and the public key used as an HMAC secret', async () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const header = b64url({ alg: 'HS256', typ: 'JWT' });
    const payload = b64url({ sub: 'mallory', roles: ['admin'], iss: ISSUER, exp: nowSeconds() + 300 });
    const confused = `${header}.${payload}.${createHmac('sha256', publicPem).update(`${header}.${payload}`).digest('base64url')}`;
    for (const token of [sign({ sub: 'x' }, stranger), sign({ sub: 'x' }, privateKey, { issuer: 'https://login.example.net' }), confused]) {
      expectProblem(await auth.me(token), 401, 'invalid-token');
    }
  });
});

describe('External issuer with a JWKS endpoint (ES256)', () => {
  const ISSUER = 'https://accounts.example.dev';
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  let jwks: Server;
  let t: TestApp;
  let auth: ReturnType<typeof client>;
  const sign = (claims: object, keyid = 'key-1') => jwt.sign(claims, privateKey, { algorithm: 'ES256', issuer: ISSUER, expiresIn: 300, keyid });

  beforeAll(async () => {
    const keys = [{ ...publicKey.export({ format: 'jwk' }), kid: 'key-1', use: 'sig', alg: 'ES256' }];
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys })));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const uri = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    t = await startTestApp({ JWT_EXTERNAL_ISSUER: ISSUER, JWT_EXTERNAL_JWKS_URI: uri }, { workers: false });
    auth = client(t);
  });
  afterAll(async () => {
    await t?.close();
    jwks?.close();
  });

  it('verifies tokens with the key the JWKS names by kid', async () => {
    expect((await auth.me(sign({ sub: 'google-oauth2|7' }))).body).toEqual({ userId: 'google-oauth2|7', roles: ['user'] });
  });

  it('refuses a token whose kid the JWKS does not have', async () => {
    expectProblem(await auth.me(sign({ sub: 'x' }, 'key-unknown')), 401, 'invalid-token');
  });
});

describe('Auth rate limit (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ AUTH_RATE_LIMIT: '3', AUTH_RATE_WINDOW: '60' });
  });
  afterAll(() => t?.close());

  it('answers 429 problem+json with Retry-After once a client has used up its attempts', async () => {
    const attempt = () =>
      fetch(`${t.baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'guess@example.com', password: 'not-the-password' }),
      });
    for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { status: number }).status).toBe(429);
    // File routes are not counted against the auth limit.
    const files = await fetch(`${t.baseUrl}/api/v1/files`, { headers: { authorization: `Bearer ${t.tokenFor('someone')}` } });
    expect(files.status).toBe(200);
  });
});
