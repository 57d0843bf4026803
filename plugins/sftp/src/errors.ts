/**
 * What the store's callers branch on. The codes are the provider contract's (the SDK's error
 * codes); until the store is wrapped as a provider they are plain strings on `error.code`, and
 * callers match on the code, never with `instanceof` (jest gives each test file its own realm).
 */
export type SftpStoreErrorCode =
  | 'ERR_NOT_FOUND'
  | 'ERR_TOO_LARGE'
  | 'ERR_CHECKSUM_MISMATCH'
  | 'ERR_RANGE_NOT_SATISFIABLE'
  | 'ERR_INVALID_ARGUMENT'
  /** The server cannot be reached, refused us, or the connection broke mid-operation. */
  | 'ERR_UNAVAILABLE'
  /** The server presented another host key than the configured fingerprint: never retried. */
  | 'ERR_HOST_KEY_MISMATCH';

export class SftpStoreError extends Error {
  readonly code: SftpStoreErrorCode;

  constructor(code: SftpStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SftpStoreError';
    this.code = code;
  }
}

export function isSftpStoreError(error: unknown, code?: SftpStoreErrorCode): error is SftpStoreError {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'string' &&
    error.name === 'SftpStoreError' &&
    (code === undefined || (error as SftpStoreError).code === code)
  );
}

/** The server failed us (unreachable, refused, connection lost, disk full): the SFTP error is the cause. */
export function unavailable(message: string, cause: unknown): SftpStoreError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new SftpStoreError('ERR_UNAVAILABLE', `${message}: ${detail}`, { cause });
}
