// Longer than 250 lines on purpose: the File aggregate's lifecycle (ingest, metadata, trash, purge,
// relocation) shares one state and one transition table; its errors, events and values live beside it.
import { AggregateRoot, InvalidStateTransitionError } from '../shared';
import { FileHash } from './file-hash';
import { FileMetadata, FileMetadataProps } from './file-metadata';
import { FileSize } from './file-size';
import { FileType } from './file-type';
import { FileDeleted, FileMetadataUpdated, FilePurged, FileRelocated, FileRestored, FileUploaded } from './file.events';
import { FileNotReadableError, FileNotRelocatableError, RelocationNotNeededError } from './file.errors';
import { StorageLocation } from './storage-location';
import { UploadStatus, assertTransition } from './upload-status';

export interface FileState {
  id: string;
  ownerId: string;
  metadata: FileMetadata;
  type: FileType;
  size: FileSize;
  hash: FileHash;
  status: UploadStatus;
  /** The status a deleted file returns to on restore. */
  statusBeforeDelete: UploadStatus | null;
  locations: StorageLocation[];
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** What a provider holds for a new file, checked: where, how much, its SHA-256, whether in archive storage. */
export interface StoredBytes {
  location: StorageLocation;
  size: FileSize;
  hash: FileHash;
  archived: boolean;
}

/** A user's file: its metadata, the facts about its bytes, and where copies of them live. */
export class File extends AggregateRoot {
  private constructor(
    private state: FileState,
    version: number,
  ) {
    super(state.id, version);
  }

  /**
   * A file whose bytes are stored at `location` and checked (size, SHA-256): nothing of a file exists
   * before that, so this is the only way one is made. Bytes in archive storage (`archived`: Deep
   * Archive, a vault) need a retrieval before they can be read. Records FileUploaded, the upload's
   * one event.
   */
  static ingest(
    props: { id: string; ownerId: string; metadata: FileMetadata; type: FileType; now: Date } & StoredBytes,
  ): File {
    const { id, ownerId, metadata, type, location, size, hash, archived, now } = props;
    const status = archived ? UploadStatus.Archived : UploadStatus.Completed;
    const file = new File(
      {
        id,
        ownerId,
        metadata,
        type,
        size,
        hash,
        status,
        statusBeforeDelete: null,
        locations: [location],
        createdAt: now,
        updatedAt: now,
        deletedAt: null,
      },
      0,
    );
    const payload = {
      ownerId,
      name: metadata.name,
      mimeType: type.mimeType,
      category: type.category,
      providerId: location.providerId,
      size: size.bytes,
      sha256: hash.hex,
      archived,
    };
    file.record(new FileUploaded(id, payload, now.toISOString()));
    return file;
  }

  static reconstitute(state: FileState, version: number): File {
    return new File({ ...state, locations: [...state.locations] }, version);
  }

  get ownerId(): string {
    return this.state.ownerId;
  }
  get metadata(): FileMetadata {
    return this.state.metadata;
  }
  get type(): FileType {
    return this.state.type;
  }
  get size(): FileSize {
    return this.state.size;
  }
  get hash(): FileHash {
    return this.state.hash;
  }
  get status(): UploadStatus {
    return this.state.status;
  }
  get statusBeforeDelete(): UploadStatus | null {
    return this.state.statusBeforeDelete;
  }
  get locations(): readonly StorageLocation[] {
    return this.state.locations;
  }
  get createdAt(): Date {
    return this.state.createdAt;
  }
  get updatedAt(): Date {
    return this.state.updatedAt;
  }
  get deletedAt(): Date | null {
    return this.state.deletedAt;
  }
  get isDeleted(): boolean {
    return this.state.status === UploadStatus.Deleted;
  }

  isOwnedBy(userId: string): boolean {
    return this.state.ownerId === userId;
  }

  updateMetadata(patch: Partial<FileMetadataProps>, type: FileType | undefined, now: Date): void {
    if (this.isDeleted) throw new InvalidStateTransitionError(this.status, 'edited');
    const before = this.state.metadata.toProps();
    const metadata = this.state.metadata.with(patch);
    const after = metadata.toProps();
    // Only what actually changed is announced, so re-sending the same values is a no-op.
    const fields: string[] = (Object.keys(after) as (keyof FileMetadataProps)[]).filter(
      (k) => !sameValue(before[k], after[k]),
    );
    const typeChanged = !!type && (type.mimeType !== this.type.mimeType || type.category !== this.type.category);
    if (typeChanged) fields.push('type');
    if (fields.length === 0) return;
    this.state.metadata = metadata;
    if (type && typeChanged) this.state.type = type;
    this.state.updatedAt = now;
    this.record(new FileMetadataUpdated(this.id, { ownerId: this.ownerId, fields }, now.toISOString()));
  }

  /** Soft delete: the bytes stay until the retention period has passed. */
  delete(now: Date): void {
    const previous = this.state.status;
    this.transition(UploadStatus.Deleted, now);
    this.state.statusBeforeDelete = previous;
    this.state.deletedAt = now;
    this.record(new FileDeleted(this.id, { ownerId: this.ownerId }, now.toISOString()));
  }

  restore(now: Date): void {
    if (!this.isDeleted) throw new InvalidStateTransitionError(this.status, 'restored');
    const target = this.state.statusBeforeDelete ?? UploadStatus.Completed;
    this.transition(target, now);
    this.state.statusBeforeDelete = null;
    this.state.deletedAt = null;
    this.record(new FileRestored(this.id, { ownerId: this.ownerId }, now.toISOString()));
  }

  /** Removes a file from the trash for good, once its retention has passed (the repository deletes the row). */
  purge(retentionMs: number, now: Date): void {
    if (!this.isDeleted || !this.state.deletedAt) throw new InvalidStateTransitionError(this.status, 'purged');
    if (now.getTime() - this.state.deletedAt.getTime() < retentionMs)
      throw new InvalidStateTransitionError(this.status, 'purged (still within its retention)');
    this.record(
      new FilePurged(
        this.id,
        { ownerId: this.ownerId, deletedAt: this.state.deletedAt.toISOString() },
        now.toISOString(),
      ),
    );
  }

  /**
   * What stops the bytes moving to `providerId`, or null: the file must be live and not there
   * already. Checked before a move is queued, by the move before it copies, and when it is made.
   */
  whyCannotMoveTo(providerId: string): FileNotRelocatableError | RelocationNotNeededError | null {
    if (this.isDeleted) return new FileNotRelocatableError(this.id, this.status);
    if (this.primaryLocation().providerId === providerId) return new RelocationNotNeededError(this.id, providerId);
    return null;
  }

  assertCanMoveTo(providerId: string): void {
    const reason = this.whyCannotMoveTo(providerId);
    if (reason) throw reason;
  }

  /**
   * Whether the file's bytes are (still) the ones at `location`: what a copy or a restore was made
   * from is worth nothing to the file once it has moved on.
   */
  isAt(location: StorageLocation): boolean {
    return this.state.locations[0]?.equals(location) ?? false;
  }

  /** Only a completed file's bytes read at once; archived ones need a restore first, deleted ones none. */
  get hasReadableContent(): boolean {
    return this.state.status === UploadStatus.Completed;
  }

  /**
   * The bytes now live at `to` (already written and checked against this file's SHA-256) instead
   * of where they were; answers the locations given up, whose objects the caller removes once this
   * is saved. A file in archive storage (`archived`) is archived afterwards, otherwise completed.
   */
  relocate(to: StorageLocation, archived: boolean, now: Date): StorageLocation[] {
    this.assertCanMoveTo(to.providerId);
    const from = this.state.locations.filter((l) => !l.equals(to));
    const target = archived ? UploadStatus.Archived : UploadStatus.Completed;
    if (target !== this.status) this.transition(target, now);
    this.state.locations = [to];
    this.state.updatedAt = now;
    this.record(
      new FileRelocated(
        this.id,
        {
          ownerId: this.ownerId,
          from: from.map((l) => ({ providerId: l.providerId, key: l.key })),
          toProviderId: to.providerId,
          archived,
        },
        now.toISOString(),
      ),
    );
    return from;
  }

  /** The location content is served from; only a completed file has readable content. */
  readableLocation(): StorageLocation {
    if (!this.hasReadableContent) throw new FileNotReadableError(this.id, this.status);
    return this.primaryLocation();
  }

  primaryLocation(): StorageLocation {
    const location = this.state.locations[0];
    if (!location) throw new FileNotReadableError(this.id, this.status);
    return location;
  }

  snapshot(): Readonly<FileState> {
    return { ...this.state, locations: [...this.state.locations] };
  }

  private transition(to: UploadStatus, now: Date): void {
    assertTransition(this.state.status, to);
    this.state.status = to;
    this.state.updatedAt = now;
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}
