import { Inject, Injectable } from '@nestjs/common';
import {
  StartUploadProps,
  UPLOAD_SESSION_REPOSITORY,
  UploadSession,
  UploadSessionRepository,
} from '../../domain/uploads';
import { FileIngestion } from '../files/file-ingestion';
import { CLOCK, Clock, UPLOAD_SETTINGS, UploadSettings } from '../ports';
import { ingestRequestFor } from './ingest-target';
import { IncomingChunk } from './upload-chunk-receiver';
import { UploadOutcome } from './commands/upload-outcome';
import { toUploadView } from './upload-view';

/**
 * A creation request that carries the whole (small) file goes straight into the storage provider,
 * like a single-request upload, and the session is recorded already complete, in the same commit
 * as the file. Staging would buy nothing: a client whose creation request breaks off never learnt
 * the upload's URL, so it starts over anyway.
 */
@Injectable()
export class DirectUpload {
  constructor(
    private readonly ingestion: FileIngestion,
    @Inject(UPLOAD_SESSION_REPOSITORY) private readonly sessions: UploadSessionRepository,
    @Inject(UPLOAD_SETTINGS) private readonly settings: UploadSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  applies(props: StartUploadProps, chunk: IncomingChunk): boolean {
    const { length } = props;
    return (
      !props.partial &&
      length !== null &&
      length <= this.settings.directMaxBytes &&
      chunk.contentLength === length &&
      !chunk.checksum
    );
  }

  async upload(props: StartUploadProps, chunk: IncomingChunk): Promise<UploadOutcome> {
    const length = props.length!;
    let session: UploadSession | undefined;
    const file = await this.ingestion.ingest({
      ...ingestRequestFor(props.ownerId, props.target, length),
      store: (provider) =>
        provider.write(chunk.body, { maxBytes: length, contentType: props.target.type.mimeType, signal: chunk.signal }),
      persist: async (newFile) => {
        session = this.completed(props, newFile.id);
        await this.sessions.saveWithFile(session, newFile);
      },
    });
    if (file.duplicate) {
      // Nothing of the combined commit was kept: the session points at the file that has these bytes.
      session = this.completed(props, file.file.id);
      await this.sessions.save(session);
    }
    return { upload: toUploadView(session!), file };
  }

  private completed(props: StartUploadProps, fileId: string): UploadSession {
    const session = UploadSession.start(props);
    session.recordProgress(props.length!, this.clock.now());
    session.complete(fileId, this.clock.now());
    return session;
  }
}
