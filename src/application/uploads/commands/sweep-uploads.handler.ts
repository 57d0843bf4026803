import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { UPLOAD_SESSION_REPOSITORY, UploadSessionRepository } from '../../../domain/uploads';
import {
  CLOCK,
  Clock,
  UPLOAD_LOCK,
  UPLOAD_SETTINGS,
  UPLOAD_STAGING,
  UploadLock,
  UploadSettings,
  UploadStaging,
} from '../../ports';
import { UploadCompletion } from '../upload-completion';
import { SweepUploadsCommand } from './sweep-uploads.command';

// An upload with all bytes but no file for this long lost its completion (a crash, a provider error).
const STRANDED_AFTER_MS = 60_000;

/**
 * The recurring cleanup job: idle uploads expire and their staged bytes go; uploads stranded with
 * every byte staged are finished; ended uploads are forgotten after the retention period. Each
 * upload is handled under its lock; one that is busy is left for the next run.
 */
@CommandHandler(SweepUploadsCommand)
export class SweepUploadsHandler implements ICommandHandler<SweepUploadsCommand> {
  constructor(
    @Inject(UPLOAD_SESSION_REPOSITORY) private readonly sessions: UploadSessionRepository,
    @Inject(UPLOAD_STAGING) private readonly staging: UploadStaging,
    @Inject(UPLOAD_LOCK) private readonly lock: UploadLock,
    @Inject(UPLOAD_SETTINGS) private readonly settings: UploadSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly completion: UploadCompletion,
  ) {}

  async execute({ batchSize }: SweepUploadsCommand): Promise<{ expired: number; finished: number; purged: number }> {
    const now = this.clock.now();
    let expired = 0;
    let finished = 0;
    for (const candidate of await this.sessions.findExpired(now, batchSize)) {
      await this.underLock(candidate.id, async () => {
        const session = await this.sessions.findById(candidate.id);
        if (!session?.isExpiredAt(this.clock.now())) return;
        session.expire(this.clock.now());
        await this.sessions.save(session);
        await this.staging.remove(session.id);
        expired++;
      });
    }
    for (const candidate of await this.sessions.findUnfinished(
      new Date(now.getTime() - STRANDED_AFTER_MS),
      batchSize,
    )) {
      await this.underLock(candidate.id, async () => {
        const session = await this.sessions.findById(candidate.id);
        if (!session?.awaitsCompletion) return;
        try {
          await this.completion.complete(session);
          finished++;
        } catch (error) {
          // Retried every run until its expiry has passed; then the upload is given up on, so a
          // file that can never be made (a provider refusing it) holds neither quota nor a slot here.
          if (session.isActive && session.expiresAt.getTime() <= this.clock.now().getTime()) {
            session.abort(`could not be completed: ${(error as Error).message}`, this.clock.now());
            await this.sessions.save(session);
            await this.staging.remove(session.id);
          }
          throw error;
        }
      });
    }
    const ended = await this.sessions.findEnded(new Date(now.getTime() - this.settings.endedRetentionMs), batchSize);
    for (const id of ended) await this.staging.remove(id);
    await this.sessions.deleteByIds(ended);
    return { expired, finished, purged: ended.length };
  }

  /** One upload's trouble (busy, a failing provider) must not stop the sweep of the others. */
  private async underLock(id: string, work: () => Promise<void>): Promise<void> {
    await this.lock.withLock(id, work).catch(() => undefined);
  }
}
