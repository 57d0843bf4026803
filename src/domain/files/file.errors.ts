import { DomainError } from '../shared';

export class FileNotFoundError extends DomainError {
  readonly kind = 'not-found' as const;
  readonly code = 'file-not-found';
  constructor(id: string) {
    super(`No file with id ${id}.`);
  }
}

export class ChecksumMismatchError extends DomainError {
  readonly kind = 'validation' as const;
  readonly code = 'checksum-mismatch';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`The content's SHA-256 is ${actual}, but ${expected} was declared. Nothing was stored.`, [
      { field: 'sha256', message: 'does not match the uploaded bytes' },
    ]);
  }
}

export class FileNotReadableError extends DomainError {
  readonly kind = 'conflict' as const;
  readonly code = 'file-not-readable';
  constructor(
    id: string,
    readonly status: string,
  ) {
    super(`File ${id} is ${status}; its content cannot be read.`);
  }
}

export class DuplicateActiveFileError extends DomainError {
  readonly kind = 'conflict' as const;
  readonly code = 'duplicate-file';
  constructor(readonly existingFileId: string) {
    super(`The same content is already stored as file ${existingFileId}.`);
  }
}

export class ConcurrentModificationError extends DomainError {
  readonly kind = 'conflict' as const;
  readonly code = 'concurrent-modification';
  constructor(id: string) {
    super(`File ${id} was changed by another request; reload it and try again.`);
  }
}

export class StorageQuotaExceededError extends DomainError {
  readonly kind = 'too-large' as const;
  readonly code = 'storage-quota-exceeded';
  constructor(
    readonly quotaBytes: number,
    readonly usedBytes: number,
  ) {
    super(
      `This upload would take you past your storage quota of ${quotaBytes} bytes (${usedBytes} used). Delete files (and empty the trash) or ask for more.`,
    );
  }
}

export class RelocationNotNeededError extends DomainError {
  readonly kind = 'conflict' as const;
  readonly code = 'relocation-not-needed';
  constructor(id: string, providerId: string) {
    super(`File ${id} is already stored on ${providerId}.`);
  }
}

export class FileNotRelocatableError extends DomainError {
  readonly kind = 'conflict' as const;
  readonly code = 'file-not-relocatable';
  constructor(id: string, status: string) {
    super(`File ${id} is ${status}; only a completed or archived file can move to another provider.`);
  }
}

export class RelocationInProgressError extends DomainError {
  readonly kind = 'conflict' as const;
  readonly code = 'relocation-in-progress';
  constructor(
    id: string,
    readonly toProviderId: string,
    readonly jobId: string,
  ) {
    super(`File ${id} is already being moved to ${toProviderId} (job ${jobId}); wait for that move to end.`);
  }
}
