import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Actor } from '../../domain/auth/role';

/** The authenticated caller, as the JWT strategy resolved it. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest<{ user: Actor }>().user;
});
