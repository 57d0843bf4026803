import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { Actor, Role } from '../../domain/user/role';
import { RUNTIME, RuntimeSettings } from '../config/runtime';

export const OWN_ISSUER = 'flexstorage';

interface AccessTokenClaims {
  sub: string;
  roles?: string[];
  typ?: string;
}

/** Verifies access tokens this service issued (HS256 with JWT_SECRET). */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(RUNTIME) runtime: RuntimeSettings) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: runtime.jwtSecret,
      algorithms: ['HS256'],
      issuer: OWN_ISSUER,
      ignoreExpiration: false,
    });
  }

  validate(claims: AccessTokenClaims): Actor | false {
    if (!claims.sub || claims.typ !== 'access') return false;
    const roles = (claims.roles ?? []).filter((r): r is Role => r === Role.User || r === Role.Admin);
    return { userId: claims.sub, roles: roles.length ? roles : [Role.User] };
  }
}
