import { DomainError } from '../shared';

/** An image file whose renditions have not been made yet (they follow the upload within seconds). */
export class ThumbnailNotReadyError extends DomainError {
  readonly kind = 'not-found' as const;
  readonly code = 'thumbnail-not-ready';
  constructor(fileId: string) {
    super(`The thumbnail of file ${fileId} is not ready yet; try again shortly.`);
  }
}

/** A file that gets no thumbnail: not an image this service can decode, or archived before one was made. */
export class ThumbnailNotAvailableError extends DomainError {
  readonly kind = 'not-found' as const;
  readonly code = 'thumbnail-not-available';
  constructor(fileId: string, reason: string) {
    super(`File ${fileId} has no thumbnail: ${reason}.`);
  }
}

/** The original could not be decoded as an image (corrupt, truncated, not what its type says, too large). */
export class ImageUnreadableError extends DomainError {
  readonly kind = 'unprocessable' as const;
  readonly code = 'image-unreadable';
  constructor(readonly reason: string) {
    super(`The image could not be read: ${reason}`);
  }
}
