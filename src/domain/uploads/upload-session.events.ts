import { DomainEvent } from '../shared';

export class UploadSessionStarted extends DomainEvent<{ ownerId: string; length: number | null; concat: string }> {
  static override readonly eventName = 'upload.started';
}

export class UploadSessionCompleted extends DomainEvent<{
  ownerId: string;
  /** The file it became; null for a partial upload consumed by a concatenation. */
  fileId: string | null;
  size: number;
  /** For a partial upload: the final upload it became part of. */
  concatenatedInto?: string;
}> {
  static override readonly eventName = 'upload.completed';
}

export class UploadSessionAborted extends DomainEvent<{ ownerId: string; reason: string; offset: number }> {
  static override readonly eventName = 'upload.aborted';
}

export class UploadSessionExpired extends DomainEvent<{ ownerId: string; offset: number; length: number | null }> {
  static override readonly eventName = 'upload.expired';
}

export const UPLOAD_SESSION_EVENTS = [
  UploadSessionStarted,
  UploadSessionCompleted,
  UploadSessionAborted,
  UploadSessionExpired,
] as const;
