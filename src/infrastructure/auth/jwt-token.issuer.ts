import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { IssuedAccessToken, TokenIssuer } from '../../application/auth/ports';
import { Actor } from '../../domain/auth';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RUNTIME, RuntimeSettings } from '../config/runtime';
import { ACCESS_TOKEN_TYPE, OWN_ISSUER, OwnAccessTokenClaims } from './access-token.claims';

/** Signs access tokens: HS256 with JWT_SECRET, valid for JWT_ACCESS_TTL seconds. */
@Injectable()
export class JwtTokenIssuer implements TokenIssuer {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RUNTIME) private readonly runtime: RuntimeSettings,
  ) {}

  async issueAccessToken(actor: Actor): Promise<IssuedAccessToken> {
    const claims: OwnAccessTokenClaims = { sub: actor.userId, roles: [...actor.roles], typ: ACCESS_TOKEN_TYPE };
    const expiresIn = this.config.jwtAccessTtlSeconds;
    // jti makes every token unique (two issued in the same second differ) and traceable in logs.
    const token = jwt.sign(claims, this.runtime.jwtSecret, {
      algorithm: 'HS256',
      issuer: OWN_ISSUER,
      expiresIn,
      jwtid: randomUUID(),
    });
    return { token, expiresIn };
  }
}
