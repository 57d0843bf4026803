import { DomainEvent } from '../shared';

export class FileCreated extends DomainEvent<{ ownerId: string; name: string; mimeType: string; category: string }> {
  static override readonly eventName = 'file.created';
}

export class FileUploadStarted extends DomainEvent<{ ownerId: string; providerId: string }> {
  static override readonly eventName = 'file.upload-started';
}

export class FileUploadCompleted extends DomainEvent<{
  ownerId: string;
  size: number;
  sha256: string;
  mimeType: string;
  category: string;
  providerId: string;
}> {
  static override readonly eventName = 'file.uploaded';
}

export class FileUploadFailed extends DomainEvent<{ ownerId: string; reason: string }> {
  static override readonly eventName = 'file.upload-failed';
}

export class FileArchived extends DomainEvent<{ ownerId: string; providerId: string }> {
  static override readonly eventName = 'file.archived';
}

export class FileMetadataUpdated extends DomainEvent<{ ownerId: string; fields: string[] }> {
  static override readonly eventName = 'file.metadata-updated';
}

export class FileDeleted extends DomainEvent<{ ownerId: string }> {
  static override readonly eventName = 'file.deleted';
}

export class FileRestored extends DomainEvent<{ ownerId: string }> {
  static override readonly eventName = 'file.restored';
}

/** Gone for good: its retention in the trash ran out; the bytes are removed after this. */
export class FilePurged extends DomainEvent<{ ownerId: string; deletedAt: string }> {
  static override readonly eventName = 'file.purged';
}

/**
 * The bytes moved to another provider (checked against the file's SHA-256 on the way); the copies
 * in `from` are no longer pointed at and are removed after this.
 */
export class FileRelocated extends DomainEvent<{
  ownerId: string;
  from: { providerId: string; key: string }[];
  toProviderId: string;
  archived: boolean;
}> {
  static override readonly eventName = 'file.relocated';
}

export const FILE_EVENTS = [
  FileCreated,
  FileUploadStarted,
  FileUploadCompleted,
  FileUploadFailed,
  FileArchived,
  FileMetadataUpdated,
  FileDeleted,
  FileRestored,
  FilePurged,
  FileRelocated,
] as const;
