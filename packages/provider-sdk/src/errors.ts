/**
 * Stable error codes of the provider contract. Hosts and the conformance kit match errors by
 * `code`, never by `instanceof`: a plugin may bring its own copy of this package (and jest gives
 * each test file its own module registry), so classes do not compare across copies.
 */
export const ProviderErrorCode = {
  /** No object under this key (or it was deleted). */
  NotFound: 'ERR_NOT_FOUND',
  /** The object is in archive storage with no restored copy to read (never restored, or expired). */
  RestoreNotReady: 'ERR_RESTORE_NOT_READY',
  /** The body's SHA-256 is not the one the write expected; nothing was kept. */
  ChecksumMismatch: 'ERR_CHECKSUM_MISMATCH',
  /** More bytes than `maxBytes` (or the provider's own limit) arrived; nothing was kept. */
  TooLarge: 'ERR_TOO_LARGE',
  /** The provider does not offer this operation (its capabilities say so). */
  Unsupported: 'ERR_UNSUPPORTED',
  /** The provider cannot be reached or is overloaded right now; the same call may succeed later. */
  Unavailable: 'ERR_UNAVAILABLE',
  /** A range starting past the object's last byte. */
  RangeNotSatisfiable: 'ERR_RANGE_NOT_SATISFIABLE',
  /** An argument no provider could accept (a range whose start is past its end, an empty key). */
  InvalidArgument: 'ERR_INVALID_ARGUMENT',
} as const;

export type ProviderErrorCode = (typeof ProviderErrorCode)[keyof typeof ProviderErrorCode];

const CODES: ReadonlySet<string> = new Set(Object.values(ProviderErrorCode));

/** What a provider throws for a failure the contract names. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  /** For ERR_UNAVAILABLE: when a retry makes sense, in seconds, where the provider knows. */
  readonly retryAfterSeconds?: number;
  /** Anything the provider wants in logs (a key, a request id); never shown to end users. */
  readonly details?: Readonly<Record<string, unknown>>;

  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    options: { cause?: unknown; retryAfterSeconds?: number; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
    if (options.details !== undefined) this.details = options.details;
  }
}

/** Whether `error` carries one of the contract's codes (any copy of ProviderError, or a look-alike). */
export function providerErrorCode(error: unknown): ProviderErrorCode | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CODES.has(code) ? (code as ProviderErrorCode) : undefined;
}

export function isProviderError(error: unknown, code?: ProviderErrorCode): boolean {
  const actual = providerErrorCode(error);
  return actual !== undefined && (code === undefined || actual === code);
}

export const notFound = (key: string, message = 'No object under this key.') =>
  new ProviderError(ProviderErrorCode.NotFound, message, { details: { key } });

export const restoreNotReady = (key: string) =>
  new ProviderError(ProviderErrorCode.RestoreNotReady, 'The object is archived and has no restored copy.', {
    details: { key },
  });

export const checksumMismatch = (expected: string, actual: string) =>
  new ProviderError(
    ProviderErrorCode.ChecksumMismatch,
    `The body's SHA-256 is ${actual}, but ${expected} was expected. Nothing was kept.`,
    { details: { expected, actual } },
  );

export const tooLarge = (maxBytes: number) =>
  new ProviderError(ProviderErrorCode.TooLarge, `The body is larger than ${maxBytes} bytes. Nothing was kept.`, {
    details: { maxBytes },
  });

export const unsupported = (operation: string) =>
  new ProviderError(ProviderErrorCode.Unsupported, `This provider does not support ${operation}.`);

export const unavailable = (reason: string, options: { cause?: unknown; retryAfterSeconds?: number } = {}) =>
  new ProviderError(ProviderErrorCode.Unavailable, `The provider is unavailable right now: ${reason}.`, options);
