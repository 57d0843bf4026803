import { assertAcceptablePassword, Email } from '../../../domain/auth';
import { EnvReader } from '../env-reader';

export interface AuthConfig {
  /** Undefined outside production: a random secret is generated and kept under DATA_DIR. */
  jwtSecret?: string;
  jwtAccessTtlSeconds: number;
  jwtRefreshTtlSeconds: number;
  externalJwt: {
    issuer?: string;
    audience?: string;
    secret?: string;
    publicKey?: string;
    jwksUri?: string;
    rolesClaim: string;
  };
  /** From ADMIN_EMAIL + ADMIN_PASSWORD: this admin account is created or repaired at every start. */
  admin?: { email: string; password: string };
  /** Requests per client IP to /auth/* within the window; guards passwords against guessing. */
  authRateLimit: { limit: number; windowSeconds: number };
}

export function readAuthConfig(env: EnvReader, nodeEnv: string): AuthConfig {
  const jwtSecret = env.string('JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < 32) env.problem('JWT_SECRET must be at least 32 characters');
  if (jwtSecret === undefined && nodeEnv === 'production') {
    env.problem('JWT_SECRET is required when NODE_ENV=production');
  }
  return {
    jwtSecret,
    jwtAccessTtlSeconds: env.integer('JWT_ACCESS_TTL', 900, 30, 86_400),
    jwtRefreshTtlSeconds: env.integer('JWT_REFRESH_TTL', 30 * 86_400, 60, 365 * 86_400),
    externalJwt: readExternalIssuer(env.section('JWT_EXTERNAL_')),
    admin: readAdmin(env),
    authRateLimit: {
      limit: env.integer('AUTH_RATE_LIMIT', 20, 1, 1_000_000),
      windowSeconds: env.integer('AUTH_RATE_WINDOW', 60, 1, 86_400),
    },
  };
}

/** An identity provider whose tokens are accepted; a key without the issuer it belongs to is refused. */
function readExternalIssuer(env: EnvReader): AuthConfig['externalJwt'] {
  const external = {
    issuer: env.string('ISSUER'),
    audience: env.string('AUDIENCE'),
    secret: env.string('SECRET'),
    publicKey: env.string('PUBLIC_KEY')?.replace(/\\n/g, '\n'),
    jwksUri: env.url('JWKS_URI', ['https:', 'http:']),
    rolesClaim: env.string('ROLES_CLAIM', 'roles'),
  };
  if ((external.secret || external.publicKey || external.jwksUri) && !external.issuer) {
    env.problem(`${env.name('ISSUER')} is required when an external issuer key is configured`);
  }
  return external;
}

function readAdmin(env: EnvReader): AuthConfig['admin'] {
  const email = env.string('ADMIN_EMAIL');
  const password = env.secret('ADMIN_PASSWORD'); // spaces may belong to a password
  if ((email === undefined) !== (password === undefined)) {
    env.problem('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  if (email !== undefined) env.check('ADMIN_EMAIL', () => Email.of(email));
  if (password !== undefined) env.check('ADMIN_PASSWORD', () => assertAcceptablePassword(password));
  return email && password ? { email, password } : undefined;
}
