import { UploadSessionRepository } from '../../domain/uploads';
import { Clock, UploadStaging } from '../ports';

/** Expires an idle upload and removes its staged bytes; run under the upload's lock. */
export class ExpiredUploadSweeper {
  constructor(
    private readonly sessions: UploadSessionRepository,
    private readonly staging: UploadStaging,
    private readonly clock: Clock,
  ) {}

  /** True when the upload was expired; false when it no longer is idle past its expiry (re-read under the lock). */
  async expire(uploadId: string): Promise<boolean> {
    const session = await this.sessions.findById(uploadId);
    if (!session?.isExpiredAt(this.clock.now())) return false;
    session.expire(this.clock.now());
    await this.sessions.save(session);
    await this.staging.remove(session.id);
    return true;
  }
}
