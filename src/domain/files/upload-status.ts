import { InvalidStateTransitionError } from '../shared';

/**
 * Where a file stands. A file exists only once its bytes are stored and checked (File.ingest), so
 * there is no pending, uploading or failed file: an upload in progress is an UploadSession, or a
 * request still streaming; one that fails leaves no row.
 */
export enum UploadStatus {
  Completed = 'completed',
  Archived = 'archived',
  Deleted = 'deleted',
}

const ALLOWED: Record<UploadStatus, readonly UploadStatus[]> = {
  // Moves between instant and archive storage (File.relocate).
  [UploadStatus.Completed]: [UploadStatus.Archived, UploadStatus.Deleted],
  [UploadStatus.Archived]: [UploadStatus.Completed, UploadStatus.Deleted],
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
