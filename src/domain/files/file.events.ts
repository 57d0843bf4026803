import { DomainEvent } from '../shared';

/**
 * A file came to be: its bytes are stored and checked. The one event of an upload, so it says
 * everything a consumer needs (webhooks, live events, thumbnails) without reading the file again;
 * `archived`: the bytes went to archive storage and need a retrieval before they can be read.
 */
export class FileUploaded extends DomainEvent<{
  ownerId: string;
  name: string;
  mimeType: string;
  category: string;
  providerId: string;
  size: number;
  sha256: string;
  archived: boolean;
}> {
  static override readonly eventName = 'file.uploaded';
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

// Recorded before an upload became one FileUploaded (a file was created, started, completed and
// archived in one save). Nothing records them now; they stay registered so that outbox rows
// written by an older build, unpublished when this one starts, still decode instead of sending
// their whole relay batch to the dead letters. (file.upload-failed had no caller in any build, so
// no row can name it.)

/** Legacy: rows written before FileUploaded carried the name and type. */
export class FileCreated extends DomainEvent<{ ownerId: string; name: string; mimeType: string; category: string }> {
  static override readonly eventName = 'file.created';
}

/** Legacy: rows written before FileUploaded carried the provider. */
export class FileUploadStarted extends DomainEvent<{ ownerId: string; providerId: string }> {
  static override readonly eventName = 'file.upload-started';
}

/** Legacy: rows written before FileUploaded said `archived`. */
export class FileArchived extends DomainEvent<{ ownerId: string; providerId: string }> {
  static override readonly eventName = 'file.archived';
}

export const LEGACY_FILE_EVENTS = [FileCreated, FileUploadStarted, FileArchived] as const;

/** Every file event a stored row may name: the ones recorded today and the legacy ones. */
export const FILE_EVENTS = [
  FileUploaded,
  FileMetadataUpdated,
  FileDeleted,
  FileRestored,
  FilePurged,
  FileRelocated,
  ...LEGACY_FILE_EVENTS,
] as const;
