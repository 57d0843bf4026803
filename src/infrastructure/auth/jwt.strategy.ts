import { Inject, Injectable, Logger } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { JsonWebTokenError, JwtPayload } from 'jsonwebtoken';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { Actor } from '../../domain/auth';
import { TRUSTED_ISSUERS, TrustedIssuers } from './trusted-issuers';

export { OWN_ISSUER } from './access-token.claims';

const logger = new Logger('JwtStrategy');

/**
 * Verifies bearer tokens: this service's own (HS256 with JWT_SECRET) and, when configured, those
 * of an external identity provider. jsonwebtoken checks signature, issuer, algorithm, exp and nbf;
 * `validate` then turns the claims into an Actor, or refuses them.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(TRUSTED_ISSUERS) private readonly issuers: TrustedIssuers) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: (
        _request: unknown,
        rawToken: string,
        done: (error: unknown, key?: string | Buffer) => void,
      ) => {
        issuers.keyFor(rawToken).then(
          // passport-jwt types say string|Buffer; jsonwebtoken takes a KeyObject
          (key) => done(null, key as unknown as Buffer),
          (error: unknown) => {
            // A bad token is the caller's problem; a key that cannot be fetched (JWKS down) is ours.
            if (!(error instanceof JsonWebTokenError))
              logger.warn(`No key to verify a bearer token: ${(error as Error).message}`);
            done(error);
          },
        );
      },
      issuer: issuers.names,
      algorithms: issuers.algorithms,
      ignoreExpiration: false,
    });
  }

  validate(claims: JwtPayload): Actor | false {
    return this.issuers.actorFrom(claims) ?? false;
  }
}
