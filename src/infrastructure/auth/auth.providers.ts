import { Provider } from '@nestjs/common';
import { AUTH_APPLICATION_PROVIDERS, PASSWORD_HASHER, REFRESH_TOKEN_STORE, TOKEN_ISSUER } from '../../application/auth';
import { USER_REPOSITORY } from '../../domain/auth';
import { APP_CONFIG } from '../config/app-config';
import { RUNTIME } from '../config/runtime';
import { MikroRefreshTokenStore } from '../persistence/mikro-refresh-token.store';
import { MikroUserRepository } from '../persistence/mikro-user.repository';
import { AdminBootstrap } from './admin-bootstrap';
import { Argon2PasswordHasher } from './argon2-password.hasher';
import { JwtTokenIssuer } from './jwt-token.issuer';
import { JwtStrategy } from './jwt.strategy';
import { TRUSTED_ISSUERS, trustedIssuers } from './trusted-issuers';

/** Sign-up, sign-in, token refresh and bearer-token verification, for the API process. */
export const AUTH_PROVIDERS: Provider[] = [
  { provide: USER_REPOSITORY, useClass: MikroUserRepository },
  { provide: PASSWORD_HASHER, useClass: Argon2PasswordHasher },
  { provide: TOKEN_ISSUER, useClass: JwtTokenIssuer },
  { provide: REFRESH_TOKEN_STORE, useClass: MikroRefreshTokenStore },
  { provide: TRUSTED_ISSUERS, useFactory: trustedIssuers, inject: [APP_CONFIG, RUNTIME] },
  ...AUTH_APPLICATION_PROVIDERS,
  JwtStrategy,
  AdminBootstrap,
];
