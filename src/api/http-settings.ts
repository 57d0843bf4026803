import type { Request } from 'express';

/** What the HTTP layer needs to know of the deployment. */
export interface HttpSettings {
  /** The URL clients use to reach the service (scheme, host, any path prefix), without a trailing slash. */
  publicUrl?: string;
}
export const HTTP_SETTINGS = Symbol('HttpSettings');

/**
 * Where clients reach this server, for absolute URLs: PUBLIC_URL when set (behind a TLS proxy or a
 * path prefix, which the request alone cannot tell), else the scheme and host the request came with.
 */
export function publicBase(req: Request, settings: HttpSettings): string {
  return settings.publicUrl ?? `${req.protocol}://${req.get('host')}`;
}
