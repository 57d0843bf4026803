import { DomainError } from '../../domain/shared';

export class UploadLockedError extends DomainError {
  readonly kind = 'locked' as const;
  readonly code = 'upload-locked';
  constructor(id: string) {
    super(`Another request is writing upload ${id} right now. Retry once it has finished (HEAD shows the offset).`);
  }
}

export class UploadLockUnavailableError extends DomainError {
  readonly kind = 'unavailable' as const;
  readonly code = 'upload-lock-unavailable';
  constructor() {
    super('Uploads cannot be locked right now (the lock store is unreachable); retry shortly.');
  }
}
