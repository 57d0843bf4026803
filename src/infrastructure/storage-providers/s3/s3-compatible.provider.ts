import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  S3ServiceException,
  StorageClass,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { ChecksumMismatchError, StorageLocation } from '../../../domain/files';
import {
  ArchiveRetrieval,
  ByteBody,
  ByteRange,
  ObjectHead,
  ProviderHealth,
  RestoreNotReadyError,
  StorageCapabilities,
  StorageProvider,
  StoredObjectNotFoundError,
  WriteOptions,
  WriteResult,
} from '../../../domain/storage';
import { meter } from '../shared/metered-body';
import { S3ArchiveRetrieval } from './s3-restore';

export interface S3CompatibleOptions {
  id: string;
  bucket: string;
  region: string;
  /** Any S3-compatible endpoint (MinIO, R2, Wasabi, B2); unset: AWS. */
  endpoint?: string;
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Prepended to every generated key, e.g. `flexstorage/`. */
  keyPrefix?: string;
  storageClass?: StorageClass;
  capabilities: StorageCapabilities;
  /**
   * The store supports object tagging (default true; B2's S3 API does not). A SHA-256 the client
   * did not declare up front is then kept as the object's `sha256` tag once the upload is done:
   * metadata cannot be added afterwards without a copy, and archive classes refuse that copy.
   */
  objectTagging?: boolean;
  /** Multipart part size; memory per upload is partSize × queueSize. */
  partSize?: number;
  queueSize?: number;
}

const SHA256_METADATA = 'sha256';

/**
 * Objects in an S3 bucket through @aws-sdk/client-s3; uploads stream as multipart
 * (@aws-sdk/lib-storage: a bounded number of parts in memory, never the whole body). One adapter
 * for AWS and every S3-compatible store; what differs (storage class, capabilities) is data.
 * Checksums are computed only when an operation requires them: several S3-compatible stores (B2,
 * older MinIO, s3rver) refuse or mangle the SDK's default aws-chunked checksum trailers. The
 * provider hashes the bytes itself (SHA-256) and keeps it as object metadata (declared up front)
 * or as an object tag (computed while streaming). For the archive classes (capabilities say a
 * retrieval is required) it also offers the restore operations.
 */
export class S3CompatibleProvider implements StorageProvider {
  readonly id: string;
  readonly capabilities: StorageCapabilities;
  readonly retrieval?: ArchiveRetrieval;
  private readonly client: S3Client;
  private readonly logger = new Logger('S3Provider');
  private readonly tagsHashes: boolean;

  constructor(private readonly options: S3CompatibleOptions) {
    this.id = options.id;
    this.capabilities = options.capabilities;
    this.tagsHashes = options.objectTagging ?? true;
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    });
    if (options.capabilities.retrievalRequired) {
      this.retrieval = new S3ArchiveRetrieval({
        providerId: this.id,
        client: this.client,
        bucket: options.bucket,
        read: (key, range) => this.read(key, range),
      });
    }
  }

  async write(body: ByteBody, options: WriteOptions): Promise<WriteResult> {
    const key = this.newKey();
    const metered = meter(body, options.maxBytes, options.signal);
    // The body's own failure (too large, the client gone) is the one to report, not whatever the
    // SDK makes of the stream ending badly (or of aborting the multipart upload afterwards).
    let bodyError: unknown;
    const source = (async function* () {
      try {
        yield* metered.body;
      } catch (error) {
        bodyError = error;
        throw error;
      }
    })();
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.options.bucket,
        Key: key,
        Body: Readable.from(source),
        ContentType: options.contentType,
        StorageClass: this.options.storageClass,
        // Known before the first byte only when the client declared it; the hash computed while
        // streaming is checked against it below and always returned to the caller.
        Metadata: options.expectedSha256 ? { [SHA256_METADATA]: options.expectedSha256 } : undefined,
      },
      partSize: this.options.partSize ?? 8 * 1024 * 1024,
      queueSize: this.options.queueSize ?? 2,
      leavePartsOnError: false, // a failed multipart upload is aborted, its parts freed
    });
    const onAbort = () => void upload.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await upload.done();
    } catch (error) {
      await this.delete(key).catch(() => undefined); // a single-part upload may have landed
      throw bodyError ?? error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    const { size, sha256 } = metered.result();
    if (options.expectedSha256 && options.expectedSha256 !== sha256) {
      await this.delete(key);
      throw new ChecksumMismatchError(options.expectedSha256, sha256);
    }
    if (!options.expectedSha256 && this.tagsHashes) {
      // The hash also lives in the file's row, so a failed tag costs only head()'s sha256; the
      // bytes are kept (deleting them again would be billed a minimum period on archive classes).
      await this.client
        .send(
          new PutObjectTaggingCommand({
            Bucket: this.options.bucket,
            Key: key,
            Tagging: { TagSet: [{ Key: SHA256_METADATA, Value: sha256 }] },
          }),
        )
        .catch((error: Error) =>
          this.logger.warn(`${this.id}: tagging ${key} with its SHA-256 failed: ${error.message}`),
        );
    }
    return { key, size, sha256 };
  }

  async read(key: string, range?: ByteRange): Promise<ByteBody> {
    this.assertKey(key);
    try {
      const res = await this.client.send(
        new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      const stream = res.Body as Readable;
      if (!range || res.ContentLength === range.end - range.start + 1) return stream;
      // A server that ignores (or misreads) the Range header answers more than was asked: the
      // range is cut out here, so callers always get exactly the bytes they asked for.
      const servedFrom = Number(/^bytes (\d+)-/.exec(res.ContentRange ?? '')?.[1] ?? 0);
      return slice(stream, { start: range.start - servedFrom, end: range.end - servedFrom });
    } catch (error) {
      if (isNotFound(error)) throw new StoredObjectNotFoundError(this.id, key);
      // An archived object with no restored copy (never restored, or the copy expired).
      if ((error as S3ServiceException)?.name === 'InvalidObjectState') throw new RestoreNotReadyError(this.id, key);
      throw error;
    }
  }

  async head(key: string): Promise<ObjectHead | null> {
    this.assertKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      const size = Number(res.ContentLength ?? 0);
      const declared = res.Metadata?.[SHA256_METADATA];
      if (declared || !this.tagsHashes) return { size, sha256: declared };
      const tags = await this.client.send(new GetObjectTaggingCommand({ Bucket: this.options.bucket, Key: key }));
      return { size, sha256: tags.TagSet?.find((t) => t.Key === SHA256_METADATA)?.Value };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    this.assertKey(key);
    await this.client
      .send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }))
      .catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
  }

  async health(): Promise<ProviderHealth> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.options.bucket }));
      return { healthy: true, detail: `bucket ${this.options.bucket} reachable` };
    } catch (error) {
      const status = (error as S3ServiceException).$metadata?.httpStatusCode;
      const why =
        status === 403
          ? 'access denied (check the credentials)'
          : status === 404
            ? 'no such bucket'
            : (error as Error).message;
      return { healthy: false, detail: `bucket ${this.options.bucket}: ${why}` };
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /** Keys are made here, never from user input: a prefix, a shard, a random UUID. */
  private newKey(): string {
    const id = randomUUID();
    return `${this.options.keyPrefix ?? ''}${id.slice(0, 2)}/${id}`;
  }

  private assertKey(key: string): void {
    StorageLocation.of(this.id, key); // refuses absolute keys and `..`, as for every provider
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as S3ServiceException;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

async function* slice(source: AsyncIterable<Uint8Array>, range: ByteRange): ByteBody {
  let position = 0;
  try {
    for await (const chunk of source) {
      const from = Math.max(0, range.start - position);
      const to = Math.min(chunk.length, range.end + 1 - position);
      position += chunk.length;
      if (to > from) yield chunk.subarray(from, to);
      if (position > range.end) return;
    }
  } finally {
    (source as Readable).destroy?.();
  }
}
