import { DomainError, ValidationError } from '../shared';

export class UploadNotFoundError extends DomainError {
  readonly kind = 'not-found' as const;
  readonly code = 'upload-not-found';
  constructor(id: string) {
    super(`No upload with id ${id}.`);
  }
}

/** A chunk sent for another offset than the one the upload is at: nothing was written. */
export class UploadOffsetMismatchError extends DomainError {
  readonly kind = 'conflict' as const;
  readonly code = 'upload-offset-mismatch';
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(
      `The upload is at offset ${expected}, but the chunk was sent for offset ${actual}. Ask for the offset (HEAD) and resume from there.`,
    );
  }
}

export class UploadGoneError extends DomainError {
  readonly kind = 'gone' as const;
  readonly code: string;
  constructor(id: string, why: 'expired' | 'aborted') {
    super(
      why === 'expired'
        ? `Upload ${id} has expired; its bytes were discarded. Start a new upload.`
        : `Upload ${id} was terminated. Start a new upload.`,
    );
    this.code = why === 'expired' ? 'upload-expired' : 'upload-terminated';
  }
}

/** Bytes sent to an upload that takes none (finished, or a concatenation of other uploads). */
export class UploadNotWritableError extends DomainError {
  readonly kind = 'forbidden' as const;
  readonly code = 'upload-not-writable';
  constructor(id: string, why: string) {
    super(`Upload ${id} takes no more bytes: ${why}.`);
  }
}

/** More bytes than the upload declared: nothing past the declared length is kept. */
export class UploadLengthExceededError extends DomainError {
  readonly kind = 'too-large' as const;
  readonly code = 'upload-length-exceeded';
  constructor(readonly maxBytes: number) {
    super(`The chunk runs past the upload's length: at most ${maxBytes} more bytes are accepted.`);
  }
}

/** The checksum a client sent with a chunk does not match the chunk: the chunk was discarded. */
export class ChunkChecksumMismatchError extends DomainError {
  readonly kind = 'validation' as const;
  readonly code = 'chunk-checksum-mismatch';
  constructor(readonly algorithm: string) {
    super(
      `The chunk's ${algorithm} checksum does not match Upload-Checksum; it was discarded and the offset is unchanged.`,
    );
  }
}

export function invalidUpload(field: string, message: string, code = 'invalid-upload'): ValidationError {
  return new ValidationError(message, { code, fieldErrors: [{ field, message }] });
}
