import { Inject, Injectable } from '@nestjs/common';
import {
  StartUploadProps,
  UPLOAD_SESSION_REPOSITORY,
  UploadNotFoundError,
  UploadSession,
  UploadSessionRepository,
} from '../../domain/uploads';
import { CLOCK, Clock, UPLOAD_LOCK, UPLOAD_STAGING, UploadLock, UploadStaging } from '../ports';
import { UploadOutcome } from './commands/upload-outcome';
import { IncomingChunk, ReceivedChunk, UploadChunkReceiver } from './upload-chunk-receiver';
import { UploadCompletion } from './upload-completion';
import { toUploadView } from './upload-view';

/**
 * Starts a staged upload, with its first chunk when the creation request carries one, or a final
 * upload made of partial ones. Under the upload's lock from the start, so the sweep (which
 * finishes uploads that hold every byte) never completes one a second time while it is made.
 */
@Injectable()
export class UploadStart {
  constructor(
    @Inject(UPLOAD_SESSION_REPOSITORY) private readonly sessions: UploadSessionRepository,
    @Inject(UPLOAD_STAGING) private readonly staging: UploadStaging,
    @Inject(UPLOAD_LOCK) private readonly lock: UploadLock,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly receiver: UploadChunkReceiver,
    private readonly completion: UploadCompletion,
  ) {}

  async start(session: UploadSession, firstChunk?: IncomingChunk): Promise<UploadOutcome> {
    return this.lock.withLock(session.id, async (lockLost) => {
      await this.sessions.save(session);
      if (firstChunk) return this.receiveFirst(session, firstChunk, lockLost);
      // A zero-length upload has all its bytes the moment it exists.
      if (session.awaitsCompletion)
        return { upload: toUploadView(session), file: await this.completion.complete(session) };
      return { upload: toUploadView(session) };
    });
  }

  async concatenate(base: Omit<StartUploadProps, 'length' | 'partial'>, partIds: string[]): Promise<UploadOutcome> {
    const parts = await this.sessions.findByIds(partIds);
    const missing = partIds.find((id) => !parts.some((p) => p.id === id.toLowerCase()));
    if (missing) throw new UploadNotFoundError(missing);
    const session = UploadSession.concatenate({ ...base, parts });
    return this.lock.withLock(session.id, async () => {
      await this.sessions.save(session);
      const file = await this.completion.complete(session);
      return { upload: toUploadView(session), file };
    });
  }

  /**
   * creation-with-upload. A client whose creation request fails never learns the upload's URL, so
   * an upload left behind by a refused or broken first chunk could never be resumed: it is ended
   * at once rather than holding quota until it expires.
   */
  private async receiveFirst(
    session: UploadSession,
    chunk: IncomingChunk,
    lockLost: AbortSignal,
  ): Promise<UploadOutcome> {
    let received: ReceivedChunk;
    try {
      received = await this.receiver.receive(session, 0, chunk, lockLost);
    } catch (error) {
      await this.abandon(session);
      throw error;
    }
    if (received.interrupted) await this.abandon(session);
    return { upload: toUploadView(session), ...received };
  }

  private async abandon(session: UploadSession): Promise<void> {
    if (!session.isActive) return;
    session.abort('the creation request failed before the client learnt the upload', this.clock.now());
    await this.sessions.save(session).catch(() => undefined); // else it expires like any idle upload
    await this.staging.remove(session.id).catch(() => undefined);
  }
}
