import { File } from '../../domain/files';

/** What clients see of a file. Storage keys stay inside the server. */
export interface FileView {
  id: string;
  ownerId: string;
  name: string;
  mimeType: string;
  category: string;
  size: number | null;
  sha256: string | null;
  status: string;
  providerId: string | null;
  capturedAt: string | null;
  tags: string[];
  entityType: string | null;
  entityId: string | null;
  description: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export function toFileView(file: File): FileView {
  const m = file.metadata;
  return {
    id: file.id,
    ownerId: file.ownerId,
    name: m.name,
    mimeType: file.type.mimeType,
    category: file.type.category,
    size: file.size.bytes,
    sha256: file.hash.hex,
    status: file.status,
    providerId: file.locations[0]?.providerId ?? null,
    capturedAt: m.capturedAt,
    tags: [...m.tags],
    entityType: m.entityType,
    entityId: m.entityId,
    description: m.description,
    createdAt: file.createdAt.toISOString(),
    updatedAt: file.updatedAt.toISOString(),
    deletedAt: file.deletedAt?.toISOString() ?? null,
  };
}
