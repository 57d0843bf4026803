import { EntitySchema } from '@mikro-orm/core';
import { UploadTargetProps } from '../../../domain/uploads';

/** Row shape of `upload_sessions`; mapped to and from the UploadSession aggregate by upload-session.mapper.ts. */
export class UploadSessionRecord {
  id!: string;
  ownerId!: string;
  status!: string;
  length!: string | number | null; // bigint arrives as string
  uploadOffset!: string | number;
  maxLength!: string | number;
  target!: UploadTargetProps;
  clientMetadata!: Record<string, string | null>;
  concatKind!: string;
  concatParts!: string[];
  fileId!: string | null;
  endReason!: string | null;
  ttlMs!: string | number;
  expiresAt!: Date;
  createdAt!: Date;
  updatedAt!: Date;
  version!: number;
}

export const UploadSessionSchema = new EntitySchema<UploadSessionRecord>({
  class: UploadSessionRecord,
  tableName: 'upload_sessions',
  properties: {
    id: { type: 'uuid', primary: true },
    ownerId: { type: 'text' },
    status: { type: 'text' },
    length: { type: 'bigint', nullable: true },
    uploadOffset: { type: 'bigint' },
    maxLength: { type: 'bigint' },
    target: { type: 'jsonb' },
    clientMetadata: { type: 'jsonb' },
    concatKind: { type: 'text' },
    concatParts: { type: 'uuid[]' },
    fileId: { type: 'uuid', nullable: true },
    endReason: { type: 'text', nullable: true },
    ttlMs: { type: 'bigint' },
    expiresAt: { type: 'Date', columnType: 'timestamptz' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
    version: { type: 'integer' },
  },
});
