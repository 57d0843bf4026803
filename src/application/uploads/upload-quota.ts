import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../../domain/shared';
import { UPLOAD_SESSION_REPOSITORY, UploadSessionRepository } from '../../domain/uploads';
import { UPLOAD_SETTINGS, UploadSettings } from '../ports';

export class UploadQuotaExceededError extends DomainError {
  readonly kind: 'too-large' | 'too-many';
  readonly code = 'upload-quota-exceeded';
  constructor(kind: 'too-large' | 'too-many', message: string) {
    super(message);
    this.kind = kind;
  }
}

/** Limits on what one user's unfinished uploads may hold at once (staging space is shared). */
@Injectable()
export class UploadQuota {
  constructor(
    @Inject(UPLOAD_SESSION_REPOSITORY) private readonly sessions: UploadSessionRepository,
    @Inject(UPLOAD_SETTINGS) private readonly settings: UploadSettings,
  ) {}

  /** Bytes the owner's unfinished uploads may still reserve. */
  async roomLeft(ownerId: string): Promise<number> {
    const usage = await this.sessions.activeUsage(ownerId);
    return Math.max(0, this.settings.maxReservedBytesPerUser - usage.reservedBytes);
  }

  /** Refuses `bytes` more of reservation, and (for a new upload) one more unfinished upload. */
  async assertRoomFor(ownerId: string, bytes: number | null, newUpload = true): Promise<void> {
    const usage = await this.sessions.activeUsage(ownerId);
    if (newUpload && usage.sessions >= this.settings.maxActivePerUser) {
      throw new UploadQuotaExceededError(
        'too-many',
        `You have ${usage.sessions} unfinished uploads, the most allowed at once. Finish or terminate some first.`,
      );
    }
    if (usage.reservedBytes + (bytes ?? 0) > this.settings.maxReservedBytesPerUser) {
      throw new UploadQuotaExceededError(
        'too-large',
        `Your unfinished uploads already reserve ${usage.reservedBytes} bytes; with this one they would pass the limit of ${this.settings.maxReservedBytesPerUser}.`,
      );
    }
  }
}
