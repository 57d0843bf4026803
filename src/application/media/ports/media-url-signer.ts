import { RenditionKind } from '../../../domain/media';

/** What a signed URL serves: the file's bytes, or one of its renditions. */
export type MediaVariant = 'content' | RenditionKind;
export type MediaDisposition = 'inline' | 'attachment';

/**
 * Everything a signed media URL grants, all of it covered by the signature: the file at one
 * version (any edit or move of the file ends the URL), for one user's rights at signing time, in
 * one form, until a moment.
 */
export interface MediaUrlClaims {
  fileId: string;
  fileVersion: number;
  userId: string;
  /**
   * owner: valid while `userId` owns the file. admin: signed with admin rights, for a file of any
   * owner (tokens carry roles; there is no later check of them, so this is signed too).
   */
  scope: 'owner' | 'admin';
  variant: MediaVariant;
  disposition: MediaDisposition;
  /** Unix time, in seconds. */
  expiresAt: number;
}

export interface SignedMediaUrl {
  claims: MediaUrlClaims;
  /** Which key signed it: a key no longer configured makes the URL invalid (revocation by rotation). */
  keyId: string;
  /** base64url. */
  signature: string;
}

export type MediaUrlCheck = 'valid' | 'invalid' | 'expired';

/** Port: signs media URLs with the first configured key and checks them against every one. */
export interface MediaUrlSigner {
  sign(claims: MediaUrlClaims): SignedMediaUrl;
  /** `invalid` for any mismatch (a field changed, an unknown key); `expired` only for a genuine URL. */
  check(url: SignedMediaUrl, now: Date): MediaUrlCheck;
}
export const MEDIA_URL_SIGNER = Symbol('MediaUrlSigner');

/** How long URLs last (MEDIA_URL_TTL_S, MEDIA_URL_MAX_TTL_S). */
export interface MediaUrlSettings {
  ttlSeconds: number;
  maxTtlSeconds: number;
}
export const MEDIA_URL_SETTINGS = Symbol('MediaUrlSettings');
