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
import { ExpiredUploadSweeper } from '../expired-upload-sweeper';
import { STRANDED_AFTER_MS, StrandedUploadFinisher } from '../stranded-upload-finisher';
import { UploadCompletion } from '../upload-completion';
import { SweepUploadsCommand } from './sweep-uploads.command';

/**
 * The recurring cleanup job: idle uploads expire and their staged bytes go; uploads stranded with
 * every byte staged are finished; ended uploads are forgotten after the retention period. Each
 * upload is handled under its lock; one that is busy is left for the next run.
 */
@CommandHandler(SweepUploadsCommand)
export class SweepUploadsHandler implements ICommandHandler<SweepUploadsCommand> {
  private readonly expired: ExpiredUploadSweeper;
  private readonly stranded: StrandedUploadFinisher;

  constructor(
    @Inject(UPLOAD_SESSION_REPOSITORY) private readonly sessions: UploadSessionRepository,
    @Inject(UPLOAD_STAGING) private readonly staging: UploadStaging,
    @Inject(UPLOAD_LOCK) private readonly lock: UploadLock,
    @Inject(UPLOAD_SETTINGS) private readonly settings: UploadSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    completion: UploadCompletion,
  ) {
    this.expired = new ExpiredUploadSweeper(sessions, staging, clock);
    this.stranded = new StrandedUploadFinisher(sessions, staging, clock, completion);
  }

  async execute({ batchSize }: SweepUploadsCommand): Promise<{ expired: number; finished: number; purged: number }> {
    const now = this.clock.now();
    let expired = 0;
    let finished = 0;
    for (const candidate of await this.sessions.findExpired(now, batchSize)) {
      if (await this.underLock(candidate.id, () => this.expired.expire(candidate.id))) expired++;
    }
    const strandedSince = new Date(now.getTime() - STRANDED_AFTER_MS);
    for (const candidate of await this.sessions.findUnfinished(strandedSince, batchSize)) {
      if (await this.underLock(candidate.id, () => this.stranded.finish(candidate.id))) finished++;
    }
    const ended = await this.sessions.findEnded(new Date(now.getTime() - this.settings.endedRetentionMs), batchSize);
    for (const id of ended) await this.staging.remove(id);
    await this.sessions.deleteByIds(ended);
    return { expired, finished, purged: ended.length };
  }

  /** One upload's trouble (busy, a failing provider) must not stop the sweep of the others. */
  private underLock(id: string, work: () => Promise<boolean>): Promise<boolean> {
    return this.lock.withLock(id, work).catch(() => false);
  }
}
