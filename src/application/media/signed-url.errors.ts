import { DomainError } from '../../domain/shared';

/** Forged, altered, or signed with a key no longer configured: nothing about the file is revealed. */
export class SignedUrlInvalidError extends DomainError {
  readonly kind = 'forbidden' as const;
  readonly code = 'signed-url-invalid';
  constructor() {
    super('This link is not valid: it was altered, or the key that signed it has been withdrawn.');
  }
}

/** Genuine, but past its time (told apart only once the signature has been checked). */
export class SignedUrlExpiredError extends DomainError {
  readonly kind = 'gone' as const;
  readonly code = 'signed-url-expired';
  constructor(expiredAt: Date) {
    super(`This link expired at ${expiredAt.toISOString()}; ask for a new one.`);
  }
}

/** Genuine and in time, but the file has changed since (renamed, edited, moved): the link was for the old one. */
export class SignedUrlOutdatedError extends DomainError {
  readonly kind = 'gone' as const;
  readonly code = 'signed-url-outdated';
  constructor() {
    super('The file has changed since this link was made; ask for a new one.');
  }
}
