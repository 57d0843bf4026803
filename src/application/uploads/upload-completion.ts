import { Inject, Injectable } from '@nestjs/common';
import { ChecksumMismatchError, ConcurrentModificationError } from '../../domain/files';
import { DomainError } from '../../domain/shared';
import { ByteBody, StorageProvider, WriteResult } from '../../domain/storage';
import { UPLOAD_SESSION_REPOSITORY, UploadSession, UploadSessionRepository, invalidUpload } from '../../domain/uploads';
import { FileIngestion } from '../files/file-ingestion';
import { UploadFileResult } from '../files/commands/upload-file.command';
import { CLOCK, Clock, UPLOAD_STAGING, UploadStaging } from '../ports';
import { ingestRequestFor } from './ingest-target';

/**
 * Turns an upload whose bytes are all staged into a File, through the same path as a
 * single-request upload (provider choice, SHA-256 check, dedup, FileUploadCompleted). Safe to run
 * again after a cut-short attempt: the staged bytes stay until the session is recorded complete,
 * and a second ingest of the same bytes lands on the file the first one made (dedup).
 */
@Injectable()
export class UploadCompletion {
  constructor(
    private readonly ingestion: FileIngestion,
    @Inject(UPLOAD_SESSION_REPOSITORY) private readonly sessions: UploadSessionRepository,
    @Inject(UPLOAD_STAGING) private readonly staging: UploadStaging,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async complete(session: UploadSession): Promise<UploadFileResult> {
    const parts = session.concat.kind === 'final' ? await this.partsOf(session) : [];
    let result: UploadFileResult;
    try {
      result = await this.ingestion.ingest({
        ...ingestRequestFor(session.ownerId, session.target, session.length),
        store: (provider) =>
          parts.length ? this.storeConcatenation(provider, session, parts) : this.storeStaged(provider, session),
      });
    } catch (error) {
      if (error instanceof ChecksumMismatchError)
        await this.refuse(session, 'the bytes do not match the declared sha256');
      // The staged bytes are gone (a wiped staging area): no retry can make the file.
      if (error instanceof DomainError && error.kind === 'gone') await this.refuse(session, error.message);
      throw error;
    }
    // Two commits (file, then session): a crash between them leaves an upload holding every byte,
    // which HEAD or the sweep completes again, and dedup lands it on the file already made.
    session.complete(result.file.id, this.clock.now());
    await this.sessions.save(session);
    await this.staging.remove(session.id).catch(() => undefined); // the cleanup sweep retries leftovers
    for (const part of parts) await this.consume(part, session.id);
    return result;
  }

  private async storeStaged(provider: StorageProvider, session: UploadSession): Promise<WriteResult> {
    const length = session.length!;
    const local = length > 0 ? this.staging.localFile?.(session.id) : undefined;
    if (local && provider.importLocalFile) {
      const imported = await provider.importLocalFile(local, {
        size: length,
        sha256: await this.staging.sha256(session.id, length),
      });
      if (imported) return imported;
    }
    return provider.write(await this.stagedBody(session.id, length), {
      maxBytes: length,
      contentType: session.target.type.mimeType,
    });
  }

  private async storeConcatenation(
    provider: StorageProvider,
    session: UploadSession,
    parts: UploadSession[],
  ): Promise<WriteResult> {
    const stagedBody = (id: string, length: number) => this.stagedBody(id, length);
    async function* concatenated(): ByteBody {
      for (const part of parts) yield* await stagedBody(part.id, part.length!);
    }
    return provider.write(concatenated(), { maxBytes: session.length!, contentType: session.target.type.mimeType });
  }

  private async stagedBody(id: string, length: number): Promise<ByteBody> {
    return length > 0 ? this.staging.read(id, { start: 0, end: length - 1 }) : (async function* () {})();
  }

  private async partsOf(session: UploadSession): Promise<UploadSession[]> {
    const ids = session.concat.kind === 'final' ? session.concat.partIds : [];
    const parts = await this.sessions.findByIds(ids);
    const now = this.clock.now();
    for (const id of ids) {
      const part = parts.find((p) => p.id === id);
      if (!part || !part.isActive || !part.hasAllBytes || part.isExpiredAt(now)) {
        await this.refuse(session, `partial upload ${id} is no longer available`);
        throw invalidUpload(
          'Upload-Concat',
          `Partial upload ${id} is no longer available; upload it again.`,
          'invalid-concatenation',
        );
      }
    }
    return parts;
  }

  private async consume(part: UploadSession, finalId: string): Promise<void> {
    try {
      part.consumeInto(finalId, this.clock.now());
      await this.sessions.save(part);
      await this.staging.remove(part.id).catch(() => undefined);
    } catch (error) {
      // Another final upload used the same part at the same moment; its bytes stay until it is done.
      if (!(error instanceof ConcurrentModificationError)) throw error;
    }
  }

  private async refuse(session: UploadSession, reason: string): Promise<void> {
    session.abort(reason, this.clock.now());
    await this.sessions.save(session);
    if (session.concat.kind !== 'final') await this.staging.remove(session.id).catch(() => undefined);
  }
}
