import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { UPLOAD_SESSION_REPOSITORY, UploadSessionRepository } from '../../../domain/upload-session';
import { CLOCK, Clock, UPLOAD_LOCK, UploadLock } from '../../ports';
import { loadAccessibleUpload } from '../upload-access';
import { UploadChunkReceiver } from '../upload-chunk-receiver';
import { toUploadView } from '../upload-view';
import { AppendUploadChunkCommand, UploadOutcome } from './upload.commands';

/** tus PATCH, under the upload's lock: one writer per upload across every API instance. */
@CommandHandler(AppendUploadChunkCommand)
export class AppendUploadChunkHandler implements ICommandHandler<AppendUploadChunkCommand, UploadOutcome> {
  constructor(
    @Inject(UPLOAD_SESSION_REPOSITORY) private readonly sessions: UploadSessionRepository,
    @Inject(UPLOAD_LOCK) private readonly lock: UploadLock,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly receiver: UploadChunkReceiver,
  ) {}

  async execute(cmd: AppendUploadChunkCommand): Promise<UploadOutcome> {
    // Checked before the lock, so another user's id learns nothing, not even that it is busy.
    await loadAccessibleUpload(this.sessions, cmd.actor, cmd.uploadId);
    return this.lock.withLock(cmd.uploadId, async (lost) => {
      // Loaded again under the lock: the offset may have moved while we waited for it.
      const session = await loadAccessibleUpload(this.sessions, cmd.actor, cmd.uploadId);
      if (cmd.declaredLength !== undefined && session.length === null) {
        session.acceptChunkAt(cmd.offset, this.clock.now());
        session.declareLength(cmd.declaredLength, this.clock.now());
        await this.sessions.save(session);
      } else if (cmd.declaredLength !== undefined) {
        session.declareLength(cmd.declaredLength, this.clock.now()); // same value: fine; another: refused
      }
      const signal = cmd.chunk.signal ? AbortSignal.any([cmd.chunk.signal, lost]) : lost;
      const received = await this.receiver.receive(session, cmd.offset, { ...cmd.chunk, signal });
      return { upload: toUploadView(session), ...received };
    });
  }
}
