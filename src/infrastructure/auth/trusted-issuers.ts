import { textReason } from '../../domain/shared';
import { createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import jwt, { Algorithm, JsonWebTokenError, JwtHeader, JwtPayload } from 'jsonwebtoken';
import { JwksClient } from 'jwks-rsa';
import { Actor, knownRoles, Role } from '../../domain/auth';
import { AppConfig } from '../config/app-config';
import { RuntimeSettings } from '../config/runtime';
import { ACCESS_TOKEN_TYPE, OWN_ISSUER } from './access-token.claims';

const HMAC: Algorithm[] = ['HS256', 'HS384', 'HS512'];
const RSA: Algorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const EC_BY_CURVE: Record<string, Algorithm> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

/** An issuer whose access tokens the API accepts, with the keys and algorithms that may sign them. */
export interface TrustedIssuer {
  readonly issuer: string;
  readonly algorithms: readonly Algorithm[];
  /**
   * A KeyObject, never a string: given a string, jsonwebtoken first tries to parse it as a PEM
   * public key on every verification, which made each request ~60x slower to authenticate.
   */
  key(header: JwtHeader): Promise<KeyObject>;
  /** The actor that verified claims stand for, or null when they are not an access token of this issuer. */
  actorFrom(claims: JwtPayload): Actor | null;
}

/**
 * Every issuer the API trusts. The key is chosen by the token's own, not yet verified, `iss` and
 * `alg`; jsonwebtoken then checks the signature with that key, so a token naming an issuer can
 * only pass with that issuer's key and one of that issuer's algorithms.
 */
export class TrustedIssuers {
  private readonly byName: ReadonlyMap<string, TrustedIssuer>;

  constructor(issuers: readonly TrustedIssuer[]) {
    this.byName = new Map(issuers.map((i) => [i.issuer, i]));
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  get algorithms(): Algorithm[] {
    return [...new Set([...this.byName.values()].flatMap((i) => i.algorithms))];
  }

  async keyFor(rawToken: string): Promise<KeyObject> {
    const decoded = jwt.decode(rawToken, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') throw new JsonWebTokenError('jwt malformed');
    const issuer = this.byName.get(decoded.payload.iss ?? '');
    if (!issuer) throw new JsonWebTokenError('jwt issuer is not trusted');
    if (!issuer.algorithms.includes(decoded.header.alg as Algorithm))
      throw new JsonWebTokenError('jwt algorithm is not allowed for its issuer');
    return issuer.key(decoded.header);
  }

  actorFrom(claims: JwtPayload): Actor | null {
    // Tokens that never expire are refused whoever signed them.
    if (typeof claims.exp !== 'number' || !isUsableSubject(claims.sub)) return null;
    return this.byName.get(claims.iss ?? '')?.actorFrom(claims) ?? null;
  }
}

export function ownIssuer(secret: string): TrustedIssuer {
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  return {
    issuer: OWN_ISSUER,
    algorithms: ['HS256'],
    key: async () => key,
    actorFrom: (claims) =>
      claims.typ === ACCESS_TOKEN_TYPE ? { userId: claims.sub!, roles: rolesFrom(claims.roles) } : null,
  };
}

/**
 * The identity provider configured in JWT_EXTERNAL_*. Its users need no row here: `sub` is the
 * user id and roles come from the roles claim. Null when none is configured.
 */
export function externalIssuer(settings: AppConfig['externalJwt']): TrustedIssuer | null {
  const { issuer, audience, secret, publicKey, jwksUri, rolesClaim } = settings;
  if (!issuer) return null;
  if (issuer === OWN_ISSUER)
    throw new Error(`JWT_EXTERNAL_ISSUER may not be "${OWN_ISSUER}", the issuer of this service's own tokens`);
  if ([secret, publicKey, jwksUri].filter(Boolean).length !== 1) {
    throw new Error(
      'JWT_EXTERNAL_ISSUER needs exactly one of JWT_EXTERNAL_SECRET, JWT_EXTERNAL_PUBLIC_KEY or JWT_EXTERNAL_JWKS_URI',
    );
  }
  const secretKey = secret ? createSecretKey(Buffer.from(secret, 'utf8')) : undefined;
  const verification = secretKey
    ? { algorithms: HMAC, key: async () => secretKey }
    : publicKey
      ? fromPublicKey(publicKey)
      : fromJwks(jwksUri!);
  return {
    issuer,
    ...verification,
    actorFrom: (claims) => {
      if (audience !== undefined && ![claims.aud ?? []].flat().includes(audience)) return null;
      return { userId: claims.sub!, roles: rolesFrom(readClaim(claims, rolesClaim)) };
    },
  };
}

export function trustedIssuers(config: AppConfig, runtime: RuntimeSettings): TrustedIssuers {
  const external = externalIssuer(config.externalJwt);
  return new TrustedIssuers(external ? [ownIssuer(runtime.jwtSecret), external] : [ownIssuer(runtime.jwtSecret)]);
}

export const TRUSTED_ISSUERS = Symbol('TrustedIssuers');

/** The algorithms follow from the key, so an RSA key can never be fed to HMAC (algorithm confusion). */
function fromPublicKey(pem: string): { algorithms: Algorithm[]; key: () => Promise<KeyObject> } {
  const key = createPublicKey(pem); // a bad PEM stops the start, not the first request
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const algorithms =
    key.asymmetricKeyType === 'rsa'
      ? RSA
      : key.asymmetricKeyType === 'rsa-pss'
        ? RSA.filter((a) => a.startsWith('PS'))
        : key.asymmetricKeyType === 'ec' && curve && EC_BY_CURVE[curve]
          ? [EC_BY_CURVE[curve]]
          : undefined;
  if (!algorithms)
    throw new Error(
      `JWT_EXTERNAL_PUBLIC_KEY must be an RSA or P-256/384/521 EC key, got ${key.asymmetricKeyType} ${curve ?? ''}`.trim(),
    );
  return { algorithms, key: async () => key };
}

function fromJwks(jwksUri: string): { algorithms: Algorithm[]; key: (header: JwtHeader) => Promise<KeyObject> } {
  // Cached, and rate limited so that tokens with made-up key ids cannot make us hammer the provider.
  const client = new JwksClient({
    jwksUri,
    cache: true,
    cacheMaxAge: 10 * 60_000,
    rateLimit: true,
    jwksRequestsPerMinute: 10,
    timeout: 5_000,
  });
  return {
    algorithms: [...RSA, ...Object.values(EC_BY_CURVE)],
    // The client caches the JWKS; the PEM it hands back is turned into a KeyObject each time, which
    // is cheap next to the parse jsonwebtoken would otherwise repeat.
    key: async (header) => createPublicKey((await client.getSigningKey(header.kid)).getPublicKey()),
  };
}

/**
 * A claim by name, else by dotted path into nested objects (Keycloak's `realm_access.roles`).
 * The exact name is tried first because namespaced claims contain dots (`https://example.com/roles`).
 */
export function readClaim(claims: object, name: string): unknown {
  if (name in claims) return (claims as Record<string, unknown>)[name];
  return name
    .split('.')
    .reduce<unknown>(
      (node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      claims,
    );
}

/**
 * Roles from an array, or from a space- or comma-separated string (OAuth `scope` style). Nothing known: a plain user.
 */
export function rolesFrom(value: unknown): Role[] {
  const names = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,]+/) : [];
  const roles = knownRoles(names);
  return roles.length ? roles : [Role.User];
}

/** Longest `sub` taken as a user id: OIDC allows 255 ASCII characters; it keys every owned row. */
const MAX_SUBJECT_LENGTH = 255;

/**
 * A subject becomes the owner id of every row the user writes, so it must be single-line text the
 * stores can hold (an external issuer's `sub` with a NUL would otherwise fail at the first write).
 */
function isUsableSubject(sub: unknown): sub is string {
  return (
    typeof sub === 'string' &&
    sub !== '' &&
    sub.length <= MAX_SUBJECT_LENGTH &&
    textReason(sub, 'single-line') === undefined
  );
}
