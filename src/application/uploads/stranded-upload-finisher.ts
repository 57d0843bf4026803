import { UploadSessionRepository } from '../../domain/uploads';
import { Clock, UploadStaging } from '../ports';
import { UploadCompletion } from './upload-completion';

/** An upload with all bytes but no file for this long lost its completion (a crash, a provider error). */
export const STRANDED_AFTER_MS = 60_000;

/** Finishes an upload stranded with every byte staged; run under the upload's lock. */
export class StrandedUploadFinisher {
  constructor(
    private readonly sessions: UploadSessionRepository,
    private readonly staging: UploadStaging,
    private readonly clock: Clock,
    private readonly completion: UploadCompletion,
  ) {}

  /** True when the upload became a file; false when it no longer awaits completion (re-read under the lock). */
  async finish(uploadId: string): Promise<boolean> {
    const session = await this.sessions.findById(uploadId);
    if (!session?.awaitsCompletion) return false;
    try {
      await this.completion.complete(session);
      return true;
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
  }
}
