import { Inject, Injectable } from '@nestjs/common';
import { UPLOAD_SESSION_REPOSITORY, UploadSession, UploadSessionRepository } from '../../domain/upload-session';
import { FileIngestion } from '../files/file-ingestion';
import { CLOCK, Clock, UPLOAD_SETTINGS, UploadSettings } from '../ports';
import { IncomingChunk } from './upload-chunk-receiver';
import { UploadOutcome } from './commands/upload.commands';
import { toUploadView } from './upload-view';

/**
 * A creation request that carries the whole (small) file goes straight into the storage provider,
 * like a single-request upload, and the session is recorded already complete. Staging would buy
 * nothing: a client whose creation request breaks off never learnt the upload's URL, so it starts
 * over anyway.
 */
@Injectable()
export class DirectUpload {
  constructor(
    private readonly ingestion: FileIngestion,
    @Inject(UPLOAD_SESSION_REPOSITORY) private readonly sessions: UploadSessionRepository,
    @Inject(UPLOAD_SETTINGS) private readonly settings: UploadSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  applies(session: UploadSession, chunk: IncomingChunk): boolean {
    const length = session.length;
    return (
      session.concat.kind === 'none' &&
      length !== null &&
      length <= this.settings.directMaxBytes &&
      chunk.contentLength === length &&
      !chunk.checksum
    );
  }

  async upload(session: UploadSession, chunk: IncomingChunk): Promise<UploadOutcome> {
    const length = session.length!;
    const t = session.target;
    const file = await this.ingestion.ingest({
      ownerId: session.ownerId,
      metadata: t.metadata,
      type: t.type,
      expectedSha256: t.expectedSha256 ?? undefined,
      sizeHint: length,
      providerPreference: t.providerPreference ?? undefined,
      store: (provider) => provider.write(chunk.body, { maxBytes: length, contentType: t.type.mimeType, signal: chunk.signal }),
    });
    session.recordProgress(length, this.clock.now());
    session.complete(file.file.id, this.clock.now());
    await this.sessions.save(session);
    return { upload: toUploadView(session), file };
  }
}
