import { StorageLocation } from '../../domain/files';
import { RetrievalTier } from '../../domain/storage';

export interface RelocationJobData {
  fileId: string;
  /** Whose file: the job status API shows the job to them (and to admins). */
  ownerId: string;
  toProviderId: string;
  /** The restore tier when the bytes first have to come out of archive storage. */
  tier: RetrievalTier;
  requestedBy: string;
}

export interface QueuedRelocation {
  /** The id the job status API knows the job by. */
  jobId: string;
  /** Where the queued job takes the file: another target when a move was asked for already. */
  toProviderId: string;
}

/** Port: the background jobs that move files between providers. */
export interface RelocationJobs {
  /**
   * One job per file and the copy it moves from (`from`, the file's primary location): asking
   * again before it ended (the file edited meanwhile or not) answers the job already queued; once
   * it ended without moving the file (failed, cancelled), asking again runs the move anew.
   */
  enqueueFile(data: RelocationJobData, from: StorageLocation): Promise<QueuedRelocation>;
  /**
   * Deletes the copies a moved file gave up, `delayMs` from now (downloads begun from them finish
   * first); once per `eventId`, retried (then dead-lettered) while the provider fails. A job of the
   * service's, not the owner's: they may neither cancel it (the copy would stay) nor read its errors
   * (a provider's error can name the object, its storage key).
   */
  deleteGivenUpCopies(
    eventId: string,
    copies: readonly { providerId: string; key: string }[],
    delayMs: number,
  ): Promise<void>;
  /** A job that queues a move for every live file on `fromProviderId`. */
  enqueueProvider(data: {
    fromProviderId: string;
    toProviderId: string;
    tier: RetrievalTier;
    requestedBy: string;
  }): Promise<string>;
}
export const RELOCATION_JOBS = Symbol('RelocationJobs');

export interface RelocationSettings {
  /** How long a moved file's old copy is kept after the move. */
  oldCopyGraceMs: number;
}
export const RELOCATION_SETTINGS = Symbol('RelocationSettings');
