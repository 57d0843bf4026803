import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { UPLOAD_SESSION_REPOSITORY, UploadSessionRepository } from '../../../domain/uploads';
import { CLOCK, Clock, UPLOAD_LOCK, UploadLock } from '../../ports';
import { loadAccessibleUpload } from '../upload-access';
import { UploadChunkReceiver } from '../upload-chunk-receiver';
import { UploadQuota } from '../upload-quota';
import { toUploadView } from '../upload-view';
import { AppendUploadChunkCommand } from './append-upload-chunk.command';
import { UploadOutcome } from './upload-outcome';

/** tus PATCH, under the upload's lock: one writer per upload across every API instance. */
@CommandHandler(AppendUploadChunkCommand)
export class AppendUploadChunkHandler implements ICommandHandler<AppendUploadChunkCommand, UploadOutcome> {
  constructor(
    @Inject(UPLOAD_SESSION_REPOSITORY) private readonly sessions: UploadSessionRepository,
    @Inject(UPLOAD_LOCK) private readonly lock: UploadLock,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly receiver: UploadChunkReceiver,
    private readonly quota: UploadQuota,
  ) {}

  async execute(cmd: AppendUploadChunkCommand): Promise<UploadOutcome> {
    // Checked before the lock, so another user's id learns nothing, not even that it is busy.
    // The stored id, not the one in the URL: a lock keyed by another spelling of it would not exclude.
    const { id } = await loadAccessibleUpload(this.sessions, cmd.actor, cmd.uploadId);
    return this.lock.withLock(id, async (lockLost) => {
      // Loaded again under the lock: the offset may have moved while we waited for it.
      const session = await loadAccessibleUpload(this.sessions, cmd.actor, id);
      // Where the chunk must start is checked first: an ended upload answers 410/403, not a length rule.
      session.acceptChunkAt(cmd.offset, this.clock.now());
      if (cmd.declaredLength !== undefined && session.length === null) {
        // A declared length reserves space like one given at creation (the offset already counts).
        await this.quota.assertRoomFor(session.ownerId, cmd.declaredLength - session.offset, false);
        session.declareLength(cmd.declaredLength, this.clock.now());
        await this.sessions.save(session);
      } else if (cmd.declaredLength !== undefined) {
        session.declareLength(cmd.declaredLength, this.clock.now()); // the same value: fine; another: refused
      }
      const received = await this.receiver.receive(session, cmd.offset, cmd.chunk, lockLost);
      return { upload: toUploadView(session), ...received };
    });
  }
}
