import { CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { QueryBus } from '@nestjs/cqrs';
import type { Request } from 'express';
import { PinoLogger } from 'nestjs-pino';
import { AdmitMediaUrlQuery, MediaGrant } from '../../application/media';
import { MediaRoute, readSignedMediaUrl } from './signed-media-url';

const PUBLIC_ROUTE = 'flexstorage:public-route';

/** Marks a route as reachable without a token, by what it serves; PublicAccessGuard admits the request. */
export const PublicRoute = (route: MediaRoute) => SetMetadata(PUBLIC_ROUTE, route);

/** What the request was admitted with. */
export type PublicGrant = MediaGrant;
type PublicRequest = Request & { publicGrant?: PublicGrant };

/**
 * The one place requests without a token are let in: every public route sits behind this guard
 * (and no JWT guard), and a route reads only the grant it leaves. Today the credential is a signed
 * media URL; share links will be admitted here too, as another kind of grant.
 */
@Injectable()
export class PublicAccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly queries: QueryBus,
    private readonly logger: PinoLogger,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const route = this.reflector.get<MediaRoute | undefined>(PUBLIC_ROUTE, context.getHandler());
    if (!route) throw new Error(`${context.getClass().name}.${context.getHandler().name} lacks @PublicRoute`);
    const req = context.switchToHttp().getRequest<PublicRequest>();
    const grant = await this.queries.execute(new AdmitMediaUrlQuery(readSignedMediaUrl(req, route)));
    // Every log line of the request names whose rights it used, as for a token.
    this.logger.assign({ userId: grant.actor.userId, access: 'signed-url' });
    req.publicGrant = grant;
    return true;
  }
}

/** The grant PublicAccessGuard admitted the request with. */
export const CurrentGrant = createParamDecorator((_: unknown, ctx: ExecutionContext): PublicGrant => {
  const grant = ctx.switchToHttp().getRequest<PublicRequest>().publicGrant;
  if (!grant) throw new Error('CurrentGrant used on a route without PublicAccessGuard');
  return grant;
});
