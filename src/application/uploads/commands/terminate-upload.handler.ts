import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { UPLOAD_SESSION_REPOSITORY, UploadSessionRepository } from '../../../domain/uploads';
import { CLOCK, Clock, UPLOAD_LOCK, UPLOAD_STAGING, UploadLock, UploadStaging } from '../../ports';
import { loadAccessibleUpload } from '../upload-access';
import { TerminateUploadCommand } from './terminate-upload.command';

@CommandHandler(TerminateUploadCommand)
export class TerminateUploadHandler implements ICommandHandler<TerminateUploadCommand, void> {
  constructor(
    @Inject(UPLOAD_SESSION_REPOSITORY) private readonly sessions: UploadSessionRepository,
    @Inject(UPLOAD_LOCK) private readonly lock: UploadLock,
    @Inject(UPLOAD_STAGING) private readonly staging: UploadStaging,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(cmd: TerminateUploadCommand): Promise<void> {
    // The stored id, not the one in the URL: a lock keyed by another spelling of it would not exclude.
    const { id } = await loadAccessibleUpload(this.sessions, cmd.actor, cmd.uploadId);
    await this.lock.withLock(id, async () => {
      const session = await loadAccessibleUpload(this.sessions, cmd.actor, id);
      // Ended uploads (complete, expired, already terminated) have nothing left to free.
      if (!session.isActive) return;
      session.abort('terminated by the client', this.clock.now());
      await this.sessions.save(session);
      await this.staging.remove(session.id);
    });
  }
}
