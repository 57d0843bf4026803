import { PutObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import { ChecksumMismatchError } from '../../../domain/files';
import { ByteBody, WriteOptions, WriteResult } from '../../../domain/storage';
import { meter } from '../shared/metered-body';
import { S3CompatibleOptions } from './s3-compatible.options';

/** The metadata key (declared up front) or tag key (computed while streaming) of an object's SHA-256. */
export const SHA256_METADATA = 'sha256';

/**
 * Writes one object as a multipart upload (@aws-sdk/lib-storage: a bounded number of parts in
 * memory), hashing it on the way, and keeps its SHA-256 as metadata or as a tag.
 */
export class S3ObjectWriter {
  private readonly logger = new Logger('S3Provider');

  constructor(
    private readonly ctx: {
      providerId: string;
      client: S3Client;
      options: S3CompatibleOptions;
      tagsHashes: boolean;
      /** Deletes an object (missing is fine): a landed upload that must not stay. */
      remove(key: string): Promise<void>;
    },
  ) {}

  async write(key: string, body: ByteBody, options: WriteOptions): Promise<WriteResult> {
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
      client: this.ctx.client,
      params: {
        Bucket: this.ctx.options.bucket,
        Key: key,
        Body: Readable.from(source),
        ContentType: options.contentType,
        StorageClass: this.ctx.options.storageClass,
        // Known before the first byte only when the client declared it; the hash computed while
        // streaming is checked against it below and always returned to the caller.
        Metadata: options.expectedSha256 ? { [SHA256_METADATA]: options.expectedSha256 } : undefined,
      },
      partSize: this.ctx.options.partSize ?? 8 * 1024 * 1024,
      queueSize: this.ctx.options.queueSize ?? 2,
      leavePartsOnError: false, // a failed multipart upload is aborted, its parts freed
    });
    const onAbort = () => void upload.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await upload.done();
    } catch (error) {
      await this.ctx.remove(key).catch(() => undefined); // a single-part upload may have landed
      throw bodyError ?? error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    const { size, sha256 } = metered.result();
    if (options.expectedSha256 && options.expectedSha256 !== sha256) {
      await this.ctx.remove(key);
      throw new ChecksumMismatchError(options.expectedSha256, sha256);
    }
    if (!options.expectedSha256 && this.ctx.tagsHashes) {
      // The hash also lives in the file's row, so a failed tag costs only head()'s sha256; the
      // bytes are kept (deleting them again would be billed a minimum period on archive classes).
      await this.ctx.client
        .send(
          new PutObjectTaggingCommand({
            Bucket: this.ctx.options.bucket,
            Key: key,
            Tagging: { TagSet: [{ Key: SHA256_METADATA, Value: sha256 }] },
          }),
        )
        .catch((error: Error) =>
          this.logger.warn(`${this.ctx.providerId}: tagging ${key} with its SHA-256 failed: ${error.message}`),
        );
    }
    return { key, size, sha256 };
  }
}
