import { DomainError } from '../shared';

export class StoredObjectNotFoundError extends DomainError {
  readonly kind = 'not-found' as const;
  readonly code = 'stored-object-missing';
  constructor(
    providerId: string,
    /** Kept for logs; not in the message, which may reach a client. */
    readonly key: string,
  ) {
    super(`The stored bytes are missing from provider ${providerId}.`);
  }
}

export class NoStorageProviderAvailableError extends DomainError {
  readonly kind = 'unavailable' as const;
  readonly code = 'no-storage-provider';
  constructor(reason: string) {
    super(`No storage provider can take this file right now: ${reason}.`);
  }
}

export class UnknownStorageProviderError extends DomainError {
  readonly kind = 'validation' as const;
  readonly code = 'unknown-storage-provider';
  constructor(providerId: string) {
    super(`There is no storage provider "${providerId}".`, [{ field: 'provider', message: 'unknown provider' }]);
  }
}

/** The object is in archive storage and has no restored copy to read (never restored, or expired). */
export class RestoreNotReadyError extends DomainError {
  readonly kind = 'conflict' as const;
  readonly code = 'restore-not-ready';
  constructor(providerId: string, key: string) {
    super(`Provider ${providerId} holds ${key} in archive storage with no restored copy.`);
  }
}

/** The provider cannot be reached or is overloaded right now (network, 5xx, throttling): try again. */
export class StorageUnavailableError extends DomainError {
  readonly kind = 'unavailable' as const;
  readonly code = 'storage-unavailable';
  readonly retryAfterSeconds = 30;
  constructor(providerId: string, reason: string) {
    super(`Storage provider ${providerId} is unavailable right now (${reason}); try again shortly.`);
  }
}
