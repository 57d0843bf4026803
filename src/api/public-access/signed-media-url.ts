import type { Request } from 'express';
import { MediaUrlClaims, SignedMediaUrl, SignedUrlInvalidError } from '../../application/media';

/** Where signed media URLs point: routes that take no token (see PublicAccessGuard). */
export const MEDIA_FILES_PATH = '/api/v1/media/files';

/** What a signed URL serves, by its path: the content, or a thumbnail (`?size=`). */
export type MediaRoute = 'content' | 'thumbnail';

const VERSION = /^(0|[1-9]\d{0,9})$/;
const UNIX_SECONDS = /^[1-9]\d{0,11}$/;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The absolute URL: the claims in plain sight (who signed, for what, until when), the key id and
 * the signature. `base` is the service's public URL.
 */
export function signedMediaUrl(base: string, { claims: c, keyId, signature }: SignedMediaUrl): string {
  const query = new URLSearchParams();
  if (c.variant !== 'content') query.set('size', c.variant);
  query.set('user', c.userId);
  query.set('scope', c.scope);
  query.set('version', String(c.fileVersion));
  if (c.variant === 'content') query.set('disposition', c.disposition);
  query.set('expires', String(c.expiresAt));
  query.set('kid', keyId);
  query.set('sig', signature);
  const route: MediaRoute = c.variant === 'content' ? 'content' : 'thumbnail';
  return `${base}${MEDIA_FILES_PATH}/${encodeURIComponent(c.fileId)}/${route}?${query.toString()}`;
}

/**
 * The signed URL a request presents, read strictly: any claim missing, repeated or malformed makes
 * it invalid, the same answer as a bad signature. Other query parameters (a cache buster) are ignored.
 */
export function readSignedMediaUrl(req: Request, route: MediaRoute): SignedMediaUrl {
  const one = (name: string): string | undefined => {
    const value = req.query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new SignedUrlInvalidError();
    return value;
  };
  const required = (name: string, pattern?: RegExp): string => {
    const value = one(name);
    if (!value || (pattern && !pattern.test(value))) throw new SignedUrlInvalidError();
    return value;
  };
  const oneOf = <T extends string>(value: string | undefined, allowed: readonly T[]): T => {
    if (!allowed.includes(value as T)) throw new SignedUrlInvalidError();
    return value as T;
  };
  const fileId = req.params.id;
  if (typeof fileId !== 'string') throw new SignedUrlInvalidError();
  const claims: MediaUrlClaims = {
    fileId,
    fileVersion: Number(required('version', VERSION)),
    userId: required('user'),
    scope: oneOf(one('scope'), ['owner', 'admin'] as const),
    variant: route === 'content' ? 'content' : oneOf(one('size') ?? 'thumb', ['thumb', 'preview'] as const),
    disposition: route === 'content' ? oneOf(one('disposition'), ['inline', 'attachment'] as const) : 'inline',
    expiresAt: Number(required('expires', UNIX_SECONDS)),
  };
  return { claims, keyId: required('kid', KEY_ID), signature: required('sig') };
}
