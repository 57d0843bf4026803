import { InvalidStateTransitionError } from '../shared';

export enum UploadStatus {
  Pending = 'pending',
  Uploading = 'uploading',
  Completed = 'completed',
  Archived = 'archived',
  Failed = 'failed',
  Deleted = 'deleted',
}

const ALLOWED: Record<UploadStatus, readonly UploadStatus[]> = {
  [UploadStatus.Pending]: [UploadStatus.Uploading, UploadStatus.Failed, UploadStatus.Deleted],
  [UploadStatus.Uploading]: [UploadStatus.Completed, UploadStatus.Failed],
  [UploadStatus.Completed]: [UploadStatus.Archived, UploadStatus.Deleted],
  [UploadStatus.Archived]: [UploadStatus.Completed, UploadStatus.Deleted],
  [UploadStatus.Failed]: [UploadStatus.Deleted],
  // Restore returns a file to the state it was deleted from.
  [UploadStatus.Deleted]: [UploadStatus.Completed, UploadStatus.Archived],
};

export function canTransition(from: UploadStatus, to: UploadStatus): boolean {
  return ALLOWED[from].includes(to);
}

export function assertTransition(from: UploadStatus, to: UploadStatus): void {
  if (!canTransition(from, to)) throw new InvalidStateTransitionError(from, to);
}

export function isUploadStatus(value: string): value is UploadStatus {
  return (Object.values(UploadStatus) as string[]).includes(value);
}
