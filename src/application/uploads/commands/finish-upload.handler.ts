import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { UPLOAD_SESSION_REPOSITORY, UploadSessionRepository } from '../../../domain/upload-session';
import { UPLOAD_LOCK, UploadLock } from '../../ports';
import { loadAccessibleUpload } from '../upload-access';
import { UploadCompletion } from '../upload-completion';
import { toUploadView } from '../upload-view';
import { FinishUploadCommand, UploadOutcome } from './upload.commands';

/**
 * Completes an upload whose last chunk was staged but whose file was not made (the server died or
 * the provider failed in between). Run when a client asks for the offset, so it never hears
 * "all bytes are here" before the file exists.
 */
@CommandHandler(FinishUploadCommand)
export class FinishUploadHandler implements ICommandHandler<FinishUploadCommand, UploadOutcome> {
  constructor(
    @Inject(UPLOAD_SESSION_REPOSITORY) private readonly sessions: UploadSessionRepository,
    @Inject(UPLOAD_LOCK) private readonly lock: UploadLock,
    private readonly completion: UploadCompletion,
  ) {}

  async execute(cmd: FinishUploadCommand): Promise<UploadOutcome> {
    // The stored id, not the one in the URL: a lock keyed by another spelling of it would not exclude.
    const { id } = await loadAccessibleUpload(this.sessions, cmd.actor, cmd.uploadId);
    return this.lock.withLock(id, async () => {
      const session = await loadAccessibleUpload(this.sessions, cmd.actor, id);
      if (!session.awaitsCompletion) return { upload: toUploadView(session) };
      const file = await this.completion.complete(session);
      return { upload: toUploadView(session), file };
    });
  }
}
