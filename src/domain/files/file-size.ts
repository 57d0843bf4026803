import { DomainError } from '../shared';

export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 ** 3; // 5 GiB

export class FileTooLargeError extends DomainError {
  readonly kind = 'too-large' as const;
  readonly code = 'file-too-large';
  constructor(readonly maxBytes: number) {
    super(`The file is larger than the maximum of ${maxBytes} bytes.`);
  }
}

/** A byte count. Zero is valid (empty files exist, as in S3). */
export class FileSize {
  private constructor(readonly bytes: number) {}

  static of(bytes: number, maxBytes: number = DEFAULT_MAX_FILE_SIZE): FileSize {
    if (!Number.isSafeInteger(bytes) || bytes < 0) {
      throw new RangeError(`A file size must be a non-negative integer, got ${bytes}.`);
    }
    if (bytes > maxBytes) throw new FileTooLargeError(maxBytes);
    return new FileSize(bytes);
  }
}
