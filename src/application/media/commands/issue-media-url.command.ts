import { Command } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { MediaDisposition, MediaVariant, SignedMediaUrl } from '../ports';

export interface MediaUrlRequest {
  variant?: MediaVariant;
  /** Content only (thumbnails are always inline); default inline, for `<img>` and `<video>`. */
  disposition?: MediaDisposition;
  /** Default MEDIA_URL_TTL_S, at most MEDIA_URL_MAX_TTL_S. */
  expiresInSeconds?: number;
}

export interface IssuedMediaUrl {
  signed: SignedMediaUrl;
  expiresAt: Date;
}

/** Signs a URL that serves a file (or its thumbnail) without a token, for the owner or an admin. */
export class IssueMediaUrlCommand extends Command<IssuedMediaUrl> {
  constructor(
    readonly actor: Actor,
    readonly fileId: string,
    readonly request: MediaUrlRequest = {},
  ) {
    super();
  }
}
