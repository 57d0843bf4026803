import { EntitySchema } from '@mikro-orm/core';

/** Row shape of `files`; mapped to and from the File aggregate by file.mapper.ts. */
export class FileRecord {
  id!: string;
  ownerId!: string;
  name!: string;
  mimeType!: string;
  category!: string;
  size!: string | null; // bigint arrives as string
  sha256!: string | null;
  status!: string;
  statusBeforeDelete!: string | null;
  locations!: { providerId: string; key: string }[];
  capturedAt!: Date | null;
  tags!: string[];
  entityType!: string | null;
  entityId!: string | null;
  description!: string | null;
  createdAt!: Date;
  updatedAt!: Date;
  deletedAt!: Date | null;
  version!: number;
}

export const FileSchema = new EntitySchema<FileRecord>({
  class: FileRecord,
  tableName: 'files',
  properties: {
    id: { type: 'uuid', primary: true },
    ownerId: { type: 'text' },
    name: { type: 'text' },
    mimeType: { type: 'text' },
    category: { type: 'text' },
    size: { type: 'bigint', nullable: true },
    sha256: { type: 'character', length: 64, nullable: true },
    status: { type: 'text' },
    statusBeforeDelete: { type: 'text', nullable: true },
    locations: { type: 'jsonb' },
    capturedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    tags: { type: 'text[]' },
    entityType: { type: 'text', nullable: true },
    entityId: { type: 'text', nullable: true },
    description: { type: 'text', nullable: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
    deletedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    version: { type: 'integer' },
  },
});
