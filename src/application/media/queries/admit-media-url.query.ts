import { Query } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { MediaDisposition, MediaVariant, SignedMediaUrl } from '../ports';

/** What an admitted signed URL lets its bearer read, acting with the signer's rights. */
export interface MediaGrant {
  actor: Actor;
  fileId: string;
  variant: MediaVariant;
  disposition: MediaDisposition;
  expiresAt: Date;
}

/**
 * Checks a signed media URL (signature, expiry) and that it still holds: the file exists, is not
 * deleted, is at the signed version, and the signer may still read it.
 */
export class AdmitMediaUrlQuery extends Query<MediaGrant> {
  constructor(readonly url: SignedMediaUrl) {
    super();
  }
}
