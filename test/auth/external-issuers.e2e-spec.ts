import { createHmac, generateKeyPairSync, KeyObject } from 'node:crypto';
import { createServer, Server } from 'node:http';
import jwt from 'jsonwebtoken';
import { AddressInfo } from 'node:net';
import { expectProblem } from '../support/problem';
import { startTestApp, TestApp } from '../support/test-app';
import { b64url, client, nowSeconds } from './auth-client';

/** Tokens of an external identity provider: a shared secret, a public key, or a JWKS endpoint. */
describe('External issuer with a shared secret (HS256)', () => {
  const ISSUER = 'https://id.example.com/realms/mobile';
  const SECRET = 'the-identity-providers-shared-secret-0123456789';
  let t: TestApp;
  let auth: ReturnType<typeof client>;
  const external = (claims: object, options: jwt.SignOptions = {}, secret = SECRET) =>
    jwt.sign({ aud: 'flexstorage-api', ...claims }, secret, { issuer: ISSUER, expiresIn: 300, ...options });

  beforeAll(async () => {
    t = await startTestApp(
      {
        JWT_EXTERNAL_ISSUER: ISSUER,
        JWT_EXTERNAL_SECRET: SECRET,
        JWT_EXTERNAL_AUDIENCE: 'flexstorage-api',
        JWT_EXTERNAL_ROLES_CLAIM: 'realm_access.roles',
      },
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
    t = await startTestApp(
      { JWT_EXTERNAL_ISSUER: ISSUER, JWT_EXTERNAL_PUBLIC_KEY: publicPem.replace(/\n/g, '\\n') },
      { workers: false },
    );
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
    for (const token of [
      sign({ sub: 'x' }, stranger),
      sign({ sub: 'x' }, privateKey, { issuer: 'https://login.example.net' }),
      confused,
    ]) {
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
  const sign = (claims: object, keyid = 'key-1') =>
    jwt.sign(claims, privateKey, { algorithm: 'ES256', issuer: ISSUER, expiresIn: 300, keyid });

  beforeAll(async () => {
    const keys = [{ ...publicKey.export({ format: 'jwk' }), kid: 'key-1', use: 'sig', alg: 'ES256' }];
    jwks = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys })),
    );
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
    expect((await auth.me(sign({ sub: 'google-oauth2|7' }))).body).toEqual({
      userId: 'google-oauth2|7',
      roles: ['user'],
    });
  });

  it('refuses a token whose kid the JWKS does not have', async () => {
    expectProblem(await auth.me(sign({ sub: 'x' }, 'key-unknown')), 401, 'invalid-token');
  });
});
