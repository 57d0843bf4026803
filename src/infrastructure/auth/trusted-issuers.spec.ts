import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Role } from '../../domain/auth';
import { AppConfig } from '../config/app-config';
import { externalIssuer, ownIssuer, readClaim, rolesFrom, TrustedIssuers } from './trusted-issuers';

const SECRET = 'own-secret-0123456789-0123456789-0123456789';
const settings = (patch: Partial<AppConfig['externalJwt']>): AppConfig['externalJwt'] => ({
  rolesClaim: 'roles',
  ...patch,
});

describe('readClaim', () => {
  it('prefers an exact claim name, since namespaced claims contain dots', () => {
    expect(readClaim({ 'https://example.com/roles': ['admin'] }, 'https://example.com/roles')).toEqual(['admin']);
  });

  it('follows a dotted path into nested claims', () => {
    expect(readClaim({ realm_access: { roles: ['admin'] } }, 'realm_access.roles')).toEqual(['admin']);
    expect(readClaim({ realm_access: 'flat' }, 'realm_access.roles')).toBeUndefined();
  });
});

describe('rolesFrom', () => {
  it('reads arrays and space- or comma-separated strings, and defaults to user', () => {
    expect(rolesFrom(['admin', 'other'])).toEqual([Role.Admin]);
    expect(rolesFrom('user admin')).toEqual([Role.User, Role.Admin]);
    expect(rolesFrom('admin,user')).toEqual([Role.Admin, Role.User]);
    expect(rolesFrom(undefined)).toEqual([Role.User]);
    expect(rolesFrom(['superuser'])).toEqual([Role.User]);
  });
});

describe('externalIssuer', () => {
  it('is absent without an issuer', () => {
    expect(externalIssuer(settings({}))).toBeNull();
  });

  it('needs exactly one kind of key', () => {
    expect(() => externalIssuer(settings({ issuer: 'https://id' }))).toThrow(/exactly one/);
    expect(() => externalIssuer(settings({ issuer: 'https://id', secret: 's', jwksUri: 'https://id/jwks' }))).toThrow(
      /exactly one/,
    );
  });

  it('may not pose as this service', () => {
    expect(() => externalIssuer(settings({ issuer: 'flexstorage', secret: 's' }))).toThrow(/may not be "flexstorage"/);
  });

  it('derives the algorithms from the public key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    expect(externalIssuer(settings({ issuer: 'i', publicKey: rsa }))!.algorithms).toEqual(
      expect.arrayContaining(['RS256', 'PS256']),
    );
    expect(externalIssuer(settings({ issuer: 'i', publicKey: rsa }))!.algorithms).not.toContain('HS256');
    expect(externalIssuer(settings({ issuer: 'i', publicKey: p384 }))!.algorithms).toEqual(['ES384']);
    expect(() => externalIssuer(settings({ issuer: 'i', publicKey: 'not a pem' }))).toThrow();
  });

  it('checks the audience when one is configured', () => {
    const issuer = externalIssuer(settings({ issuer: 'i', secret: 's', audience: 'api' }))!;
    expect(issuer.actorFrom({ sub: 'x', aud: ['other', 'api'] })).toEqual({ userId: 'x', roles: [Role.User] });
    expect(issuer.actorFrom({ sub: 'x', aud: 'other' })).toBeNull();
    expect(issuer.actorFrom({ sub: 'x' })).toBeNull();
  });
});

describe('TrustedIssuers', () => {
  const issuers = new TrustedIssuers([
    ownIssuer(SECRET),
    externalIssuer(settings({ issuer: 'https://id', secret: 'external-secret' }))!,
  ]);

  it("picks the key by the token's issuer", async () => {
    expect((await issuers.keyFor(jwt.sign({ sub: 'a' }, SECRET, { issuer: 'flexstorage' }))).export().toString()).toBe(
      SECRET,
    );
    expect(
      (await issuers.keyFor(jwt.sign({ sub: 'a' }, 'external-secret', { issuer: 'https://id' }))).export().toString(),
    ).toBe('external-secret');
  });

  it('refuses an unknown issuer, an algorithm the issuer does not use, and garbage', async () => {
    await expect(issuers.keyFor(jwt.sign({ sub: 'a' }, SECRET, { issuer: 'https://other' }))).rejects.toThrow(
      /not trusted/,
    );
    await expect(
      issuers.keyFor(jwt.sign({ sub: 'a' }, SECRET, { issuer: 'flexstorage', algorithm: 'HS512' })),
    ).rejects.toThrow(/not allowed/);
    await expect(issuers.keyFor('garbage')).rejects.toThrow(/malformed/);
  });

  it('requires typ access only of its own tokens, and an expiry of all', () => {
    const exp = Math.floor(Date.now() / 1000) + 60;
    expect(issuers.actorFrom({ iss: 'flexstorage', sub: 'a', exp, typ: 'access', roles: ['admin'] })).toEqual({
      userId: 'a',
      roles: [Role.Admin],
    });
    expect(issuers.actorFrom({ iss: 'flexstorage', sub: 'a', exp })).toBeNull();
    expect(issuers.actorFrom({ iss: 'https://id', sub: 'a', exp })).toEqual({ userId: 'a', roles: [Role.User] });
    expect(issuers.actorFrom({ iss: 'https://id', sub: 'a' })).toBeNull();
    expect(issuers.actorFrom({ iss: 'https://id', exp })).toBeNull();
  });

  it('refuses a subject that cannot be an owner id: control characters, a lone surrogate, over 255 characters', () => {
    const exp = Math.floor(Date.now() / 1000) + 60;
    for (const sub of ['a\u0000b', 'line\nbreak', '\ud800', 'x'.repeat(256), '']) {
      expect(issuers.actorFrom({ iss: 'https://id', sub, exp })).toBeNull();
    }
    expect(issuers.actorFrom({ iss: 'https://id', sub: 'auth0|Zoë-写真', exp })).toEqual({
      userId: 'auth0|Zoë-写真',
      roles: [Role.User],
    });
  });
});
