import { HeadObjectCommand, RestoreObjectCommand, S3Client, S3ServiceException, Tier } from '@aws-sdk/client-s3';
import { StorageLocation } from '../../../domain/files';
import {
  ArchiveRetrieval,
  ByteBody,
  ByteRange,
  RestoreState,
  RetrievalTier,
  StartedRestore,
  StoredObjectNotFoundError,
} from '../../../domain/storage';

const TIERS: Record<RetrievalTier, Tier> = { expedited: 'Expedited', standard: 'Standard', bulk: 'Bulk' };

/**
 * What S3's `x-amz-restore` header says: `ongoing-request="true"` while a restore runs,
 * `ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"` once a copy is readable;
 * absent when never restored or after the copy expired.
 */
export function parseRestoreHeader(header: string | undefined): RestoreState {
  if (!header) return { state: 'none' };
  const ongoing = /ongoing-request\s*=\s*"(true|false)"/i.exec(header)?.[1]?.toLowerCase();
  if (ongoing === 'true') return { state: 'in-progress' };
  if (ongoing !== 'false') return { state: 'none' };
  const expiry = /expiry-date\s*=\s*"([^"]+)"/i.exec(header)?.[1];
  const expiresAt = expiry ? new Date(expiry) : undefined;
  return expiresAt && !Number.isNaN(expiresAt.getTime()) ? { state: 'ready', expiresAt } : { state: 'ready' };
}

export interface S3RestoreTarget {
  providerId: string;
  client: S3Client;
  bucket: string;
  /** GetObject as the provider does it (ranges, RestoreNotReadyError for an archived object). */
  read(key: string, range?: ByteRange): Promise<ByteBody>;
}

/**
 * Restores for the S3 archive classes (GLACIER, DEEP_ARCHIVE). The object itself carries the
 * restore, so the handle is the key, and the state is read back from HeadObject.
 */
export class S3ArchiveRetrieval implements ArchiveRetrieval {
  constructor(private readonly target: S3RestoreTarget) {}

  async startRestore(key: string, tier: RetrievalTier, days: number): Promise<StartedRestore> {
    const { client, bucket, providerId } = this.target;
    StorageLocation.of(providerId, key); // refuses absolute keys and `..`, as every operation does
    try {
      const res = await client.send(
        new RestoreObjectCommand({
          Bucket: bucket,
          Key: key,
          RestoreRequest: { Days: days, GlacierJobParameters: { Tier: TIERS[tier] } },
        }),
      );
      // 202: a restore was started. 200: a restored copy already exists (its expiry was extended).
      if (res.$metadata.httpStatusCode !== 200) return { handle: key, status: { state: 'in-progress' } };
      const status = await this.restoreStatus(key);
      return { handle: key, status: status.state === 'ready' ? status : { state: 'ready' } };
    } catch (error) {
      const e = error as S3ServiceException;
      // A restore already running (409) is shared: whoever asks second waits for the same copy.
      // By name: other 409s (OperationAborted) and 404s (NoSuchBucket) mean something else.
      if (e?.name === 'RestoreAlreadyInProgress') return { handle: key, status: { state: 'in-progress' } };
      if (e?.name === 'NoSuchKey') throw new StoredObjectNotFoundError(providerId, key);
      throw error;
    }
  }

  /**
   * S3's restore speed upgrade: a second RestoreObject with a faster tier (and the same Days) takes
   * over the running restore. 202/200: taken; RestoreAlreadyInProgress: S3 declined it.
   */
  async upgradeRestore(key: string, _handle: string, tier: RetrievalTier, days: number): Promise<boolean> {
    const { client, bucket, providerId } = this.target;
    StorageLocation.of(providerId, key);
    try {
      await client.send(
        new RestoreObjectCommand({
          Bucket: bucket,
          Key: key,
          RestoreRequest: { Days: days, GlacierJobParameters: { Tier: TIERS[tier] } },
        }),
      );
      return true;
    } catch (error) {
      const e = error as S3ServiceException;
      if (e?.name === 'RestoreAlreadyInProgress') return false;
      if (e?.name === 'NoSuchKey') throw new StoredObjectNotFoundError(providerId, key);
      throw error;
    }
  }

  async restoreStatus(key: string, _handle?: string): Promise<RestoreState> {
    StorageLocation.of(this.target.providerId, key);
    try {
      const res = await this.target.client.send(new HeadObjectCommand({ Bucket: this.target.bucket, Key: key }));
      return parseRestoreHeader(res.Restore);
    } catch (error) {
      const e = error as S3ServiceException;
      if (e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404)
        return { state: 'failed', reason: 'the archived object no longer exists' };
      throw error;
    }
  }

  readRestored(key: string, _handle: string, range?: ByteRange): Promise<ByteBody> {
    return this.target.read(key, range);
  }
}
