import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { UPLOAD_SESSION_REPOSITORY, UploadSessionRepository } from '../../../domain/uploads';
import { CLOCK, Clock, UPLOAD_LOCK, UploadLock } from '../../ports';
import { CompletionBackoff } from '../completion-backoff';
import { loadAccessibleUpload } from '../upload-access';
import { UploadCompletion } from '../upload-completion';
import { toUploadView } from '../upload-view';
import { FinishUploadCommand } from './finish-upload.command';
import { UploadOutcome } from './upload-outcome';

/**
 * Completes an upload whose last chunk was staged but whose file was not made (the server died or
 * the provider failed in between). Run when a client asks for the offset, so it never hears
 * "all bytes are here" before the file exists. After a failed attempt, asking again within a
 * growing pause answers 503 at once instead of streaming the whole file into a provider once more
 * per HEAD (the sweep keeps trying meanwhile).
 */
@CommandHandler(FinishUploadCommand)
export class FinishUploadHandler implements ICommandHandler<FinishUploadCommand, UploadOutcome> {
  private readonly backoff: CompletionBackoff;

  constructor(
    @Inject(UPLOAD_SESSION_REPOSITORY) private readonly sessions: UploadSessionRepository,
    @Inject(UPLOAD_LOCK) private readonly lock: UploadLock,
    @Inject(CLOCK) clock: Clock,
    private readonly completion: UploadCompletion,
  ) {
    this.backoff = new CompletionBackoff(clock);
  }

  async execute(cmd: FinishUploadCommand): Promise<UploadOutcome> {
    // The stored id, not the one in the URL: a lock keyed by another spelling of it would not exclude.
    const { id } = await loadAccessibleUpload(this.sessions, cmd.actor, cmd.uploadId);
    const failed = this.backoff.check(id);
    return this.lock.withLock(id, async () => {
      const session = await loadAccessibleUpload(this.sessions, cmd.actor, id);
      if (!session.awaitsCompletion) return { upload: toUploadView(session) };
      try {
        const file = await this.completion.complete(session);
        this.backoff.succeeded(id);
        return { upload: toUploadView(session), file };
      } catch (error) {
        this.backoff.failed(id, failed);
        throw error;
      }
    });
  }
}
