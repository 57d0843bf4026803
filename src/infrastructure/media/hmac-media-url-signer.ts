import { createHmac, timingSafeEqual } from 'node:crypto';
import { MediaUrlCheck, MediaUrlClaims, MediaUrlSigner, SignedMediaUrl } from '../../application/media';
import { SecretKey } from '../config/secret-keys';

/** Changes with the meaning of the message, so a signature for one purpose never serves another. */
const PURPOSE = 'flexstorage/media-url/v1';
const SIGNATURE_BYTES = 32;

/**
 * HMAC-SHA256 over every claim (MEDIA_URL_KEYS: the first key signs, all verify). The message is a
 * JSON array, so no field can run into the next (a user id holding the separator, say).
 */
export class HmacMediaUrlSigner implements MediaUrlSigner {
  constructor(private readonly keys: readonly SecretKey[]) {
    if (keys.length === 0) throw new Error('HmacMediaUrlSigner needs at least one key');
  }

  sign(claims: MediaUrlClaims): SignedMediaUrl {
    const [key] = this.keys;
    return { claims, keyId: key.id, signature: mac(key.key, claims).toString('base64url') };
  }

  check({ claims, keyId, signature }: SignedMediaUrl, now: Date): MediaUrlCheck {
    const key = this.keys.find((k) => k.id === keyId);
    const given = Buffer.from(signature, 'base64url');
    // The length is no secret; timingSafeEqual needs equal lengths. Re-encoding refuses look-alikes
    // ("abc=" or trailing bits) that decode to the same bytes.
    if (!key || given.length !== SIGNATURE_BYTES || given.toString('base64url') !== signature) return 'invalid';
    if (!timingSafeEqual(given, mac(key.key, claims))) return 'invalid';
    return now.getTime() >= claims.expiresAt * 1000 ? 'expired' : 'valid';
  }
}

function mac(key: Buffer, c: MediaUrlClaims): Buffer {
  const message = JSON.stringify([
    PURPOSE,
    c.fileId,
    c.fileVersion,
    c.userId,
    c.scope,
    c.variant,
    c.disposition,
    c.expiresAt,
  ]);
  return createHmac('sha256', key).update(message).digest();
}
