import { ByteBody, ByteRange } from '../../domain/storage';

export type ChecksumAlgorithm = 'sha1' | 'md5' | 'sha256';
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ['sha1', 'md5', 'sha256'];

/** A checksum the client sent for one chunk (tus `Upload-Checksum`): the raw digest bytes. */
export interface ChunkChecksum {
  algorithm: ChecksumAlgorithm;
  digest: Uint8Array;
}

export interface AppendOptions {
  /** More bytes than this refuse the chunk (UploadLengthExceededError); none of it is kept. */
  maxBytes: number;
  /** With a checksum the chunk counts only whole and matching; otherwise ChunkChecksumMismatchError. */
  checksum?: ChunkChecksum;
  /** The client went away: what arrived before is kept (result `interrupted`). */
  signal?: AbortSignal;
  /**
   * The upload's lock was lost: another request may be writing now, so the append stops at once
   * and neither records nor cuts anything (the next append sets the staging right).
   */
  lockLost?: AbortSignal;
  /**
   * Awaited each time more bytes have become durable (fsynced or committed), with the new offset:
   * the caller records it. If it throws, the append stops with that error.
   */
  onDurable(offset: number): Promise<void>;
}

export interface AppendResult {
  /** The durable offset when the append ended. */
  offset: number;
  /** The body failed part-way (the client went away): what arrived before is kept and counted. */
  interrupted?: unknown;
}

/**
 * Port: where the bytes of unfinished uploads wait. Staged bytes past the offset the caller
 * recorded (left by a crash between fsync and record) are dropped by the next append, so the
 * recorded offset is always the truth.
 */
export interface UploadStaging {
  readonly id: string;
  append(uploadId: string, offset: number, body: ByteBody, options: AppendOptions): Promise<AppendResult>;
  /**
   * SHA-256 of the first `length` staged bytes (hex): from the running hash when this process has it, else by reading
   * them again.
   */
  sha256(uploadId: string, length: number): Promise<string>;
  read(uploadId: string, range?: ByteRange): Promise<ByteBody>;
  /**
   * A local file holding exactly the staged bytes, when the store keeps them in one (lets a provider take them without
   * a copy).
   */
  localFile?(uploadId: string): string | undefined;
  /** Idempotent. */
  remove(uploadId: string): Promise<void>;
}
export const UPLOAD_STAGING = Symbol('UploadStaging');
