import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { StorageLocation } from '../../../domain/files';
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
import { S3CompatibleOptions } from './s3-compatible.options';
import { S3ObjectWriter, SHA256_METADATA } from './s3-object-writer';
import { S3ArchiveRetrieval } from './s3-restore';

export type { S3CompatibleOptions } from './s3-compatible.options';

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
  private readonly tagsHashes: boolean;
  private readonly writer: S3ObjectWriter;

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
    this.writer = new S3ObjectWriter({
      providerId: this.id,
      client: this.client,
      options,
      tagsHashes: this.tagsHashes,
      remove: (key) => this.delete(key),
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
    return this.writer.write(this.newKey(), body, options);
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
