import { File, FileHash, FileMetadata, FileSize, FileType, StorageLocation, UploadStatus } from '../../domain/files';
import { FileRecord } from './schemas/file.record';

// Rows were validated when written; sizes are re-checked against no maximum, since the limit
// may have been lowered after the file was stored.
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

export const FileMapper = {
  toDomain(r: FileRecord): File {
    return File.reconstitute(
      {
        id: r.id,
        ownerId: r.ownerId,
        metadata: FileMetadata.of({
          name: r.name,
          capturedAt: r.capturedAt?.toISOString() ?? null,
          tags: r.tags,
          entityType: r.entityType,
          entityId: r.entityId,
          description: r.description,
        }),
        type: FileType.of(r.mimeType, r.category),
        // Nullable columns, but no build saved a file before its bytes were stored and checked.
        size: FileSize.of(Number(r.size), NO_LIMIT),
        hash: FileHash.sha256(r.sha256!),
        status: r.status as UploadStatus,
        statusBeforeDelete: (r.statusBeforeDelete as UploadStatus | null) ?? null,
        locations: r.locations.map((l) => StorageLocation.of(l.providerId, l.key)),
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
        deletedAt: r.deletedAt,
      },
      r.version,
    );
  },

  toRecord(file: File, version: number): FileRecord {
    const s = file.snapshot();
    const m = s.metadata;
    return {
      id: s.id,
      ownerId: s.ownerId,
      name: m.name,
      mimeType: s.type.mimeType,
      category: s.type.category,
      size: String(s.size.bytes),
      sha256: s.hash.hex,
      status: s.status,
      statusBeforeDelete: s.statusBeforeDelete,
      locations: s.locations.map((l) => ({ providerId: l.providerId, key: l.key })),
      capturedAt: m.capturedAt ? new Date(m.capturedAt) : null,
      tags: [...m.tags],
      entityType: m.entityType,
      entityId: m.entityId,
      description: m.description,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      deletedAt: s.deletedAt,
      version,
    };
  },
};
