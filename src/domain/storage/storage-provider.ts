/**
 * The storage-provider port: the contract every provider implements, built-in or plugin.
 * Bodies are async iterables of bytes (a Node Readable is one), so nothing here needs Node I/O and
 * no implementation has to hold a whole file in memory.
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
  /** The write fails with FileTooLargeError once more than this many bytes arrive. */
  maxBytes: number;
  contentType: string;
  /** When given, a body with another SHA-256 is refused (ChecksumMismatchError) and nothing is kept. */
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

export interface StorageProvider {
  readonly id: string;
  readonly capabilities: StorageCapabilities;
  /** Streams the body into a new object under a key the provider generates; hashes as it goes. */
  write(body: ByteBody, options: WriteOptions): Promise<WriteResult>;
  /** Streams an object, or the inclusive byte range of it. Throws StoredObjectNotFoundError. */
  read(key: string, range?: ByteRange): Promise<ByteBody>;
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
  /** Releases connections and timers when the service shuts down. */
  close?(): Promise<void>;
}
