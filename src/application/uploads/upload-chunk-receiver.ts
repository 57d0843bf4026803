import { Inject, Injectable } from '@nestjs/common';
import { ByteBody } from '../../domain/storage';
import { UPLOAD_SESSION_REPOSITORY, UploadLengthExceededError, UploadSession, UploadSessionRepository } from '../../domain/upload-session';
import { UploadFileResult } from '../files/commands/upload-file.command';
import { CLOCK, ChunkChecksum, Clock, UPLOAD_STAGING, UploadStaging } from '../ports';
import { UploadCompletion } from './upload-completion';

export interface IncomingChunk {
  body: ByteBody;
  /** From Content-Length, when the request has one: a chunk too long for the upload is refused before a byte is read. */
  contentLength?: number;
  checksum?: ChunkChecksum;
  signal?: AbortSignal;
}

export interface ReceivedChunk {
  /** The file the upload became, when this chunk was its last. */
  file?: UploadFileResult;
  /** The request broke off part-way; the bytes before the break are kept. */
  interrupted?: unknown;
}

/**
 * Appends one chunk to an upload (creation-with-upload and PATCH alike): the aggregate says where
 * it must start and how long it may be, the staging store makes bytes durable in checkpoints, and
 * each checkpoint's offset is recorded before it counts. The last chunk completes the upload.
 */
@Injectable()
export class UploadChunkReceiver {
  constructor(
    @Inject(UPLOAD_SESSION_REPOSITORY) private readonly sessions: UploadSessionRepository,
    @Inject(UPLOAD_STAGING) private readonly staging: UploadStaging,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly completion: UploadCompletion,
  ) {}

  async receive(session: UploadSession, offset: number, chunk: IncomingChunk): Promise<ReceivedChunk> {
    const room = session.acceptChunkAt(offset, this.clock.now());
    if (chunk.contentLength !== undefined && chunk.contentLength > room) throw new UploadLengthExceededError(room);
    const appended = await this.staging.append(session.id, offset, chunk.body, {
      maxBytes: room,
      checksum: chunk.checksum,
      signal: chunk.signal,
      onDurable: async (at) => {
        session.recordProgress(at, this.clock.now());
        await this.sessions.save(session);
      },
    });
    if (appended.interrupted) return { interrupted: appended.interrupted };
    if (session.awaitsCompletion) return { file: await this.completion.complete(session) };
    return {};
  }
}
