import { Inject, Injectable } from '@nestjs/common';
import { ByteBody } from '../../domain/storage';
import {
  UPLOAD_SESSION_REPOSITORY,
  UploadLengthExceededError,
  UploadSession,
  UploadSessionRepository,
} from '../../domain/uploads';
import { UploadFileResult } from '../files/commands/upload-file.command';
import { CLOCK, ChunkChecksum, Clock, UPLOAD_STAGING, UploadStaging } from '../ports';
import { UploadCompletion } from './upload-completion';
import { UploadQuota } from './upload-quota';

export interface IncomingChunk {
  body: ByteBody;
  /**
   * From Content-Length, when the request has one: a chunk too long for the upload is refused before a byte is read.
   */
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
    private readonly quota: UploadQuota,
  ) {}

  /** `lockLost` aborts when the upload's lock is lost: the append then stops without recording anything. */
  async receive(
    session: UploadSession,
    offset: number,
    chunk: IncomingChunk,
    lockLost?: AbortSignal,
  ): Promise<ReceivedChunk> {
    let room = session.acceptChunkAt(offset, this.clock.now());
    if (chunk.contentLength !== undefined && chunk.contentLength > room) throw new UploadLengthExceededError(room);
    // A deferred length reserves nothing yet: its bytes are bounded by what the owner may still reserve.
    if (session.length === null) room = Math.min(room, await this.quota.roomLeft(session.ownerId));
    const appended = await this.staging.append(session.id, offset, chunk.body, {
      maxBytes: room,
      checksum: chunk.checksum,
      signal: chunk.signal,
      lockLost,
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
