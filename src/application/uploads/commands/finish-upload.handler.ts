import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '../../../domain/shared';
import { UPLOAD_SESSION_REPOSITORY, UploadSessionRepository } from '../../../domain/uploads';
import { CLOCK, Clock, UPLOAD_LOCK, UploadLock } from '../../ports';
import { loadAccessibleUpload } from '../upload-access';
import { UploadCompletion } from '../upload-completion';
import { toUploadView } from '../upload-view';
import { FinishUploadCommand } from './finish-upload.command';
import { UploadOutcome } from './upload-outcome';

export class CompletionPendingError extends DomainError {
  readonly kind = 'unavailable' as const;
  readonly code = 'upload-completion-pending';
  constructor(
    id: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`Every byte of upload ${id} is here, but its file could not be made yet; retry in ${retryAfterSeconds} s.`);
  }
}

const FIRST_BACKOFF_MS = 5_000;
const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * Completes an upload whose last chunk was staged but whose file was not made (the server died or
 * the provider failed in between). Run when a client asks for the offset, so it never hears
 * "all bytes are here" before the file exists. After a failed attempt, asking again within a
 * growing pause answers 503 at once instead of streaming the whole file into a provider once more
 * per HEAD (the sweep keeps trying meanwhile).
 */
@CommandHandler(FinishUploadCommand)
export class FinishUploadHandler implements ICommandHandler<FinishUploadCommand, UploadOutcome> {
  private readonly failures = new Map<string, { until: number; pauseMs: number }>();

  constructor(
    @Inject(UPLOAD_SESSION_REPOSITORY) private readonly sessions: UploadSessionRepository,
    @Inject(UPLOAD_LOCK) private readonly lock: UploadLock,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly completion: UploadCompletion,
  ) {}

  async execute(cmd: FinishUploadCommand): Promise<UploadOutcome> {
    // The stored id, not the one in the URL: a lock keyed by another spelling of it would not exclude.
    const { id } = await loadAccessibleUpload(this.sessions, cmd.actor, cmd.uploadId);
    const failed = this.failures.get(id);
    const now = this.clock.now().getTime();
    if (failed && now < failed.until) throw new CompletionPendingError(id, Math.ceil((failed.until - now) / 1000));
    return this.lock.withLock(id, async () => {
      const session = await loadAccessibleUpload(this.sessions, cmd.actor, id);
      if (!session.awaitsCompletion) return { upload: toUploadView(session) };
      try {
        const file = await this.completion.complete(session);
        this.failures.delete(id);
        return { upload: toUploadView(session), file };
      } catch (error) {
        const pauseMs = Math.min(MAX_BACKOFF_MS, failed ? failed.pauseMs * 2 : FIRST_BACKOFF_MS);
        this.failures.set(id, { until: this.clock.now().getTime() + pauseMs, pauseMs });
        if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value!);
        throw error;
      }
    });
  }
}
