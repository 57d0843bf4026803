import { createHash } from 'node:crypto';
import { InvalidStateTransitionError } from '../shared';
import { File, FileState } from './file';
import { FileHash } from './file-hash';
import { FileMetadata } from './file-metadata';
import { FileSize } from './file-size';
import { FileType } from './file-type';
import { FileNotReadableError, FileNotRelocatableError, RelocationNotNeededError } from './file.errors';
import { FileDeleted, FileMetadataUpdated, FileRelocated, FileRestored, FileUploaded } from './file.events';
import { StorageLocation } from './storage-location';
import { UploadStatus } from './upload-status';

const T0 = new Date('2024-05-01T10:00:00.000Z');
const T1 = new Date('2024-05-01T10:05:00.000Z');
const T2 = new Date('2024-05-01T10:10:00.000Z');
const HOT = StorageLocation.of('local', 'ab/cd/0f1e2d3c');
const COLD = StorageLocation.of('s3-archive', 'files/0f1e2d3c');
const HASH = FileHash.sha256(createHash('sha256').update('hello world').digest('hex'));
const SIZE = FileSize.of(11);

function newFile(at: StorageLocation = HOT, archived = false): File {
  return File.ingest({
    id: 'file-1',
    ownerId: 'user-1',
    metadata: FileMetadata.of({ name: 'holiday.jpg', tags: ['beach'] }),
    type: FileType.of('image/jpeg'),
    location: at,
    size: SIZE,
    hash: HASH,
    archived,
    now: T0,
  });
}

/** A file as loaded from the repository, in any status, with no pending events. */
function fileIn(status: UploadStatus, overrides: Partial<FileState> = {}): File {
  return File.reconstitute(
    {
      id: 'file-1',
      ownerId: 'user-1',
      metadata: FileMetadata.of({ name: 'holiday.jpg', tags: ['beach'] }),
      type: FileType.of('image/jpeg'),
      size: SIZE,
      hash: HASH,
      status,
      statusBeforeDelete: status === UploadStatus.Deleted ? UploadStatus.Completed : null,
      locations: [HOT],
      createdAt: T0,
      updatedAt: T0,
      deletedAt: status === UploadStatus.Deleted ? T0 : null,
      ...overrides,
    },
    3,
  );
}

function completedFile(): File {
  const file = newFile();
  file.pullEvents();
  return file;
}

describe('File', () => {
  describe('ingest', () => {
    it('is completed and unsaved, at its location, with its size and hash', () => {
      const file = newFile();
      expect(file.status).toBe(UploadStatus.Completed);
      expect(file.version).toBe(0);
      expect(file.size.bytes).toBe(11);
      expect(file.hash.hex).toBe('b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9');
      expect(file.locations).toEqual([HOT]);
      expect(file.readableLocation()).toEqual(HOT);
      expect(file.createdAt).toBe(T0);
      expect(file.updatedAt).toBe(T0);
      expect(file.deletedAt).toBeNull();
    });

    it('records one FileUploaded that says everything about the upload: name, type, provider, size, hash', () => {
      const events = newFile().pullEvents();
      expect(events).toHaveLength(1);
      const [event] = events;
      expect(event).toBeInstanceOf(FileUploaded);
      expect(event.eventName).toBe('file.uploaded');
      expect(event.aggregateId).toBe('file-1');
      expect(event.occurredAt).toBe(T0.toISOString());
      expect(event.payload).toEqual({
        ownerId: 'user-1',
        name: 'holiday.jpg',
        mimeType: 'image/jpeg',
        category: 'image',
        providerId: 'local',
        size: 11,
        sha256: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9',
        archived: false,
      });
    });

    it('is archived when its bytes went to archive storage, and its one event says so', () => {
      const file = newFile(COLD, true);
      expect(file.status).toBe(UploadStatus.Archived);
      expect(file.locations).toEqual([COLD]);
      expect(() => file.readableLocation()).toThrow(FileNotReadableError);
      const events = file.pullEvents();
      expect(events).toHaveLength(1);
      expect(events[0].payload).toMatchObject({ providerId: 's3-archive', archived: true });
    });
  });

  describe('reconstitute', () => {
    it('records no events and keeps the loaded version', () => {
      const file = fileIn(UploadStatus.Completed);
      expect(file.peekEvents()).toEqual([]);
      expect(file.version).toBe(3);
      expect(file.status).toBe(UploadStatus.Completed);
    });

    it("does not share the caller's locations array", () => {
      const locations = [HOT];
      const file = fileIn(UploadStatus.Completed, { locations });
      locations.push(COLD);
      expect(file.locations).toEqual([HOT]);
    });
  });

  describe('pullEvents', () => {
    it('returns the pending events once and then nothing', () => {
      const file = newFile();
      expect(file.pullEvents().map((e) => e.constructor)).toEqual([FileUploaded]);
      expect(file.pullEvents()).toEqual([]);
      expect(file.peekEvents()).toEqual([]);
    });
  });

  describe('state transitions', () => {
    type Operation = { name: string; target: UploadStatus; run: (file: File) => void };
    const operations: Operation[] = [
      { name: 'delete', target: UploadStatus.Deleted, run: (f) => f.delete(T1) },
      { name: 'restore', target: UploadStatus.Completed, run: (f) => f.restore(T1) },
    ];
    // Which operation each status accepts. Written out rather than derived, so the spec states the
    // rules: a live file can be deleted, only a deleted one restored (moves: see relocate).
    const accepted: Record<UploadStatus, string[]> = {
      [UploadStatus.Completed]: ['delete'],
      [UploadStatus.Archived]: ['delete'],
      [UploadStatus.Deleted]: ['restore'],
    };
    const cases = Object.values(UploadStatus).flatMap((from) =>
      operations.map((op) => ({ from, op, allowed: accepted[from].includes(op.name) })),
    );

    it.each(cases.filter((c) => !c.allowed).map((c) => [c.op.name, c.from, c.op] as const))(
      'refuses %s on a file that is %s, with InvalidStateTransitionError, and changes nothing',
      (_name, from, op) => {
        const file = fileIn(from);
        const before = file.snapshot();
        let error: unknown;
        try {
          op.run(file);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(InvalidStateTransitionError);
        expect((error as InvalidStateTransitionError).from).toBe(from);
        expect((error as InvalidStateTransitionError).kind).toBe('conflict');
        expect(file.snapshot()).toEqual(before);
        expect(file.peekEvents()).toEqual([]);
      },
    );

    it.each(cases.filter((c) => c.allowed).map((c) => [c.op.name, c.from, c.op] as const))(
      'allows %s on a file that is %s and records one event',
      (_name, from, op) => {
        const file = fileIn(from);
        op.run(file);
        expect(file.status).toBe(op.target);
        expect(file.updatedAt).toBe(T1);
        expect(file.peekEvents()).toHaveLength(1);
      },
    );
  });

  describe('delete and restore', () => {
    it('soft-deletes: status deleted, deletedAt set, FileDeleted recorded, bytes kept', () => {
      const file = completedFile();
      file.delete(T2);
      expect(file.status).toBe(UploadStatus.Deleted);
      expect(file.isDeleted).toBe(true);
      expect(file.deletedAt).toBe(T2);
      expect(file.statusBeforeDelete).toBe(UploadStatus.Completed);
      expect(file.locations).toEqual([HOT]);
      const [event] = file.pullEvents();
      expect(event).toBeInstanceOf(FileDeleted);
      expect(event.payload).toEqual({ ownerId: 'user-1' });
      expect(event.occurredAt).toBe(T2.toISOString());
    });

    it('restores a deleted completed file to completed, clears deletedAt and records FileRestored', () => {
      const file = completedFile();
      file.delete(T1);
      file.pullEvents();
      file.restore(T2);
      expect(file.status).toBe(UploadStatus.Completed);
      expect(file.deletedAt).toBeNull();
      expect(file.statusBeforeDelete).toBeNull();
      expect(file.updatedAt).toBe(T2);
      const [event] = file.pullEvents();
      expect(event).toBeInstanceOf(FileRestored);
      expect(event.payload).toEqual({ ownerId: 'user-1' });
    });

    it('restores a deleted archived file to archived', () => {
      const file = newFile(COLD, true);
      file.delete(T1);
      file.restore(T2);
      expect(file.status).toBe(UploadStatus.Archived);
      expect(file.deletedAt).toBeNull();
      expect(file.locations[0]).toEqual(COLD);
    });

    it('restores a deleted file with no recorded previous status to completed', () => {
      const file = fileIn(UploadStatus.Deleted, { statusBeforeDelete: null });
      file.restore(T1);
      expect(file.status).toBe(UploadStatus.Completed);
    });

    it.each([UploadStatus.Completed, UploadStatus.Archived])(
      'refuses to restore a %s file that is not deleted',
      (status) => {
        const file = fileIn(status);
        expect(() => file.restore(T1)).toThrow(new InvalidStateTransitionError(status, 'restored'));
        expect(file.status).toBe(status);
        expect(file.peekEvents()).toEqual([]);
      },
    );

    it('refuses to delete a file twice', () => {
      const file = completedFile();
      file.delete(T1);
      expect(() => file.delete(T2)).toThrow(InvalidStateTransitionError);
      expect(file.deletedAt).toBe(T1);
      expect(file.statusBeforeDelete).toBe(UploadStatus.Completed);
    });
  });

  describe('updateMetadata', () => {
    it('refuses to edit a deleted file', () => {
      const file = fileIn(UploadStatus.Deleted);
      expect(() => file.updateMetadata({ name: 'new.jpg' }, undefined, T1)).toThrow(InvalidStateTransitionError);
      expect(file.metadata.name).toBe('holiday.jpg');
      expect(file.peekEvents()).toEqual([]);
    });

    it('applies the patch and records FileMetadataUpdated naming the changed fields', () => {
      const file = completedFile();
      file.updateMetadata({ name: 'renamed.jpg', tags: ['beach', 'family'] }, undefined, T2);
      expect(file.metadata.name).toBe('renamed.jpg');
      expect(file.metadata.tags).toEqual(['beach', 'family']);
      expect(file.updatedAt).toBe(T2);
      const [event] = file.pullEvents();
      expect(event).toBeInstanceOf(FileMetadataUpdated);
      expect(event.occurredAt).toBe(T2.toISOString());
      expect(event.payload).toEqual({ ownerId: 'user-1', fields: ['name', 'tags'] });
    });

    it('reports a type change as the field "type"', () => {
      const file = completedFile();
      file.updateMetadata({}, FileType.of('image/png'), T2);
      expect(file.type.mimeType).toBe('image/png');
      expect(file.pullEvents()[0].payload).toEqual({ ownerId: 'user-1', fields: ['type'] });
    });

    it('clears an optional field given as null', () => {
      const file = fileIn(UploadStatus.Completed, { metadata: FileMetadata.of({ name: 'a.jpg', description: 'old' }) });
      file.updateMetadata({ description: null }, undefined, T1);
      expect(file.metadata.description).toBeNull();
      expect(file.pullEvents()[0].payload).toEqual({ ownerId: 'user-1', fields: ['description'] });
    });

    it('keeps fields given as undefined, as a DTO with unset optional properties sends them', () => {
      const file = fileIn(UploadStatus.Completed, {
        metadata: FileMetadata.of({
          name: 'a.jpg',
          tags: ['x'],
          description: 'kept',
          capturedAt: '2024-01-02T03:04:05Z',
        }),
      });
      file.updateMetadata(
        {
          name: undefined,
          tags: ['y'],
          description: undefined,
          capturedAt: undefined,
          entityType: undefined,
          entityId: undefined,
        },
        undefined,
        T1,
      );
      expect(file.metadata.toProps()).toEqual({
        name: 'a.jpg',
        capturedAt: '2024-01-02T03:04:05.000Z',
        tags: ['y'],
        entityType: null,
        entityId: null,
        description: 'kept',
      });
      expect(file.pullEvents()[0].payload).toEqual({ ownerId: 'user-1', fields: ['tags'] });
    });

    it('records no event and keeps updatedAt when the patch is empty', () => {
      const file = completedFile();
      file.updateMetadata({}, undefined, T2);
      expect(file.peekEvents()).toEqual([]);
      expect(file.updatedAt).toBe(T0);
    });

    it('records no event when every given value equals the current one', () => {
      const file = completedFile();
      file.updateMetadata({ name: ' holiday.jpg ', tags: ['beach', 'beach'] }, FileType.of('IMAGE/JPEG; q=1'), T2);
      expect(file.peekEvents()).toEqual([]);
      expect(file.updatedAt).toBe(T0);
    });

    it('leaves the metadata unchanged when the patch is invalid', () => {
      const file = completedFile();
      expect(() => file.updateMetadata({ name: '../x', tags: ['ok'] }, undefined, T2)).toThrow();
      expect(file.metadata.name).toBe('holiday.jpg');
      expect(file.metadata.tags).toEqual(['beach']);
      expect(file.peekEvents()).toEqual([]);
    });
  });

  describe('readableLocation', () => {
    it('is the primary location of a completed file', () => {
      expect(completedFile().readableLocation()).toEqual(HOT);
    });

    it.each([UploadStatus.Archived, UploadStatus.Deleted])(
      'is refused for a %s file with FileNotReadableError',
      (status) => {
        const file = fileIn(status);
        expect(() => file.readableLocation()).toThrow(FileNotReadableError);
        try {
          file.readableLocation();
        } catch (e) {
          expect((e as FileNotReadableError).status).toBe(status);
        }
      },
    );
  });

  describe('relocate', () => {
    const WARM = StorageLocation.of('database', 'files/0f1e2d3c');

    it('moves a completed file to another instantly readable provider, naming what it gave up', () => {
      const file = completedFile();
      const given = file.relocate(WARM, false, T2);
      expect(given).toEqual([HOT]);
      expect(file.locations).toEqual([WARM]);
      expect(file.status).toBe(UploadStatus.Completed);
      expect(file.readableLocation()).toEqual(WARM);
      expect(file.updatedAt).toEqual(T2);
      const [event] = file.pullEvents();
      expect(event).toBeInstanceOf(FileRelocated);
      expect((event as FileRelocated).payload).toEqual({
        ownerId: 'user-1',
        from: [{ providerId: 'local', key: HOT.key }],
        toProviderId: 'database',
        archived: false,
      });
    });

    it('archives a file moved into archive storage, and makes an archived file readable when moved out', () => {
      const file = completedFile();
      file.relocate(COLD, true, T1);
      expect(file.status).toBe(UploadStatus.Archived);
      expect(() => file.readableLocation()).toThrow(FileNotReadableError);
      expect(file.relocate(HOT, false, T2)).toEqual([COLD]);
      expect(file.status).toBe(UploadStatus.Completed);
      expect(file.readableLocation()).toEqual(HOT);
    });

    it('refuses a move to the provider the file is already on', () => {
      const file = completedFile();
      expect(() => file.relocate(StorageLocation.of('local', 'other/key'), false, T2)).toThrow(
        RelocationNotNeededError,
      );
      expect(file.locations).toEqual([HOT]);
      expect(file.pullEvents()).toEqual([]);
    });

    it.each([UploadStatus.Deleted])('refuses to move a %s file', (status) => {
      const file = fileIn(status);
      expect(() => file.relocate(WARM, false, T2)).toThrow(FileNotRelocatableError);
      expect(file.pullEvents()).toEqual([]);
    });
  });

  describe('the rules handlers ask about', () => {
    it('says why it cannot move (deleted, or there already) and null when it can', () => {
      expect(completedFile().whyCannotMoveTo('database')).toBeNull();
      expect(newFile(COLD, true).whyCannotMoveTo('local')).toBeNull();
      expect(completedFile().whyCannotMoveTo('local')).toBeInstanceOf(RelocationNotNeededError);
      expect(fileIn(UploadStatus.Deleted).whyCannotMoveTo('database')).toBeInstanceOf(FileNotRelocatableError);
      expect(() => fileIn(UploadStatus.Deleted).assertCanMoveTo('database')).toThrow(FileNotRelocatableError);
    });

    it('is at the location its bytes are, and no longer at one it moved away from', () => {
      const file = completedFile();
      expect(file.isAt(StorageLocation.of('local', HOT.key))).toBe(true);
      expect(file.isAt(COLD)).toBe(false);
      file.relocate(COLD, true, T1);
      expect(file.isAt(HOT)).toBe(false);
      expect(file.isAt(COLD)).toBe(true);
    });

    it('has readable content only while completed', () => {
      expect(completedFile().hasReadableContent).toBe(true);
      expect(newFile(COLD, true).hasReadableContent).toBe(false);
      expect(fileIn(UploadStatus.Deleted).hasReadableContent).toBe(false);
    });
  });

  describe('ownership', () => {
    it('knows its owner', () => {
      const file = newFile();
      expect(file.isOwnedBy('user-1')).toBe(true);
      expect(file.isOwnedBy('user-2')).toBe(false);
    });
  });

  describe('snapshot', () => {
    it('is a copy: mutating its locations does not touch the file', () => {
      const file = completedFile();
      file.snapshot().locations.push(COLD);
      expect(file.locations).toEqual([HOT]);
    });
  });
});
