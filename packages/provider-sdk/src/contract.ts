/**
 * The storage-provider contract (API version 1): what every provider implements, FlexStorage's
 * built-in ones and plugins alike; the server's storage port is this definition. Bodies are async
 * iterables of bytes (a Node Readable is one), so no implementation has to hold a whole file in
 * memory. Failures are ProviderErrors with stable codes (errors.ts), matched by code.
 */

export type RetrievalTier = 'expedited' | 'standard' | 'bulk';

export interface StorageCapabilities {
  /** Content can be read right away (false for archive classes that need a restore first). */
  instantAccess: boolean;
  /** `read` honours a byte range without reading what comes before it. */
  rangeReads: boolean;
  /** A retrieval (restore) has to be requested before content can be read. */
  retrievalRequired: boolean;
  retrievalTiers: readonly RetrievalTier[];
  /** Typical longest wait per offered tier, in minutes (what an estimate is made from). */
  retrievalMinutes?: Partial<Record<RetrievalTier, number>>;
  /** Largest object accepted, in bytes; null for no limit of the provider's own. */
  maxObjectSize: number | null;
  /** Whether deleting frees the object at once or a minimum billed storage period applies. */
  deletion: 'immediate' | 'minimum-retention';
  minimumStorageDays: number;
}

export type ByteBody = AsyncIterable<Uint8Array>;

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export interface WriteOptions {
  /** The write fails with `ERR_TOO_LARGE` once more than this many bytes arrive, and keeps nothing. */
  maxBytes: number;
  contentType: string;
  /** When given (hex), a body with another SHA-256 is refused with `ERR_CHECKSUM_MISMATCH`; nothing is kept. */
  expectedSha256?: string;
  signal?: AbortSignal;
}

export interface WriteResult {
  key: string;
  size: number;
  sha256: string;
}

export interface ObjectHead {
  size: number;
  sha256?: string;
}

export interface ProviderHealth {
  healthy: boolean;
  detail?: string;
}

/** Where a restore of one archived object stands, as the provider reports it. */
export type RestoreState =
  | { state: 'in-progress' }
  /** The restored copy can be read until `expiresAt` (unknown when the provider does not say). */
  | { state: 'ready'; expiresAt?: Date }
  | { state: 'failed'; reason: string }
  /** No restore is running and no restored copy exists (never asked, or the copy expired). */
  | { state: 'none' };

export interface StartedRestore {
  /**
   * What identifies this restore to the provider later (a vault job id; for S3, where the object
   * itself carries the restore, the key).
   */
  handle: string;
  /** `ready` when a restored copy already exists (e.g. S3 answered 200 to RestoreObject). */
  status: RestoreState;
}

/**
 * The operations of a provider whose objects must be restored before they can be read
 * (capabilities.retrievalRequired). Starting a restore that is already running must not fail: S3
 * shares it; a vault starts another (billed) job, which is why callers keep one active restore per
 * file and ask again only when the provider reports none.
 */
export interface ArchiveRetrieval {
  /** Asks the provider to restore an object; the copy stays readable for `days` where that is chosen. */
  startRestore(key: string, tier: RetrievalTier, days: number): Promise<StartedRestore>;
  restoreStatus(key: string, handle: string): Promise<RestoreState>;
  /** Streams the restored copy (or an inclusive range of it); `ERR_RESTORE_NOT_READY` when there is none. */
  readRestored(key: string, handle: string, range?: ByteRange): Promise<ByteBody>;
  /**
   * Optional: speeds up a running restore to a faster tier (S3 restore speed upgrade; the same
   * `days` as the running one). True when the provider took it, false when it declined (the
   * restore finished meanwhile, or cannot be sped up). Providers without it run each restore at
   * the tier it started with.
   */
  upgradeRestore?(key: string, handle: string, tier: RetrievalTier, days: number): Promise<boolean>;
}

export interface StorageProvider {
  readonly id: string;
  readonly capabilities: StorageCapabilities;
  /** Streams the body into a new object under a key the provider generates; hashes as it goes. */
  write(body: ByteBody, options: WriteOptions): Promise<WriteResult>;
  /**
   * Streams an object, or the inclusive byte range of it (an end past the last byte is clamped; a
   * start past it is `ERR_RANGE_NOT_SATISFIABLE`). `ERR_NOT_FOUND` for a missing key,
   * `ERR_RESTORE_NOT_READY` for an archived object with no restored copy.
   */
  read(key: string, range?: ByteRange): Promise<ByteBody>;
  /** Size and stored SHA-256 of an object, null when missing (vaults, which cannot tell, answer null too). */
  head(key: string): Promise<ObjectHead | null>;
  /** Idempotent: deleting a missing object succeeds. */
  delete(key: string): Promise<void>;
  health(): Promise<ProviderHealth>;
  /**
   * Optional fast path: stores a complete local file whose size and SHA-256 are already known,
   * as cheaply as the provider can (local-fs hard-links it: no copy). The source file is left as
   * it was. Answers null when there is no cheap way (e.g. another filesystem); callers then `write`.
   */
  importLocalFile?(path: string, facts: { size: number; sha256: string }): Promise<WriteResult | null>;
  /** Present exactly when capabilities.retrievalRequired: how archived objects are brought back. */
  readonly retrieval?: ArchiveRetrieval;
  /** Releases connections and timers when the service shuts down. */
  close?(): Promise<void>;
}

/** The members of T that an implementation may leave out. */
export type OptionalMembers<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];

/**
 * Every optional member of the contract, as data: a host that wraps providers (error mapping,
 * metrics, guards) must forward each one a provider has, and its tests check that against these
 * lists. `satisfies` makes adding an optional member to the contract without listing it here a
 * compile error, so the check cannot fall behind the contract (rclone's FsCheckWrap, as data).
 */
export const OPTIONAL_PROVIDER_MEMBERS = {
  importLocalFile: 'method',
  retrieval: 'object',
  close: 'method',
} as const satisfies Record<OptionalMembers<StorageProvider>, 'method' | 'object'>;

export const OPTIONAL_RETRIEVAL_MEMBERS = {
  upgradeRestore: 'method',
} as const satisfies Record<OptionalMembers<ArchiveRetrieval>, 'method'>;
