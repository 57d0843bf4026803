import { EntitySchema } from '@mikro-orm/core';

/**
 * Row shape of `retrieval_requests`; mapped to and from the RetrievalRequest aggregate by retrieval-request.mapper.ts.
 */
export class RetrievalRequestRecord {
  id!: string;
  fileId!: string;
  ownerId!: string;
  requestedBy!: string;
  providerId!: string;
  storageKey!: string;
  tier!: string;
  tierSince!: Date;
  days!: number;
  status!: string;
  restoreHandle!: string | null;
  requestedAt!: Date;
  estimatedReadyAt!: Date;
  completedAt!: Date | null;
  availableUntil!: Date | null;
  failureReason!: string | null;
  checks!: number;
  lastCheckedAt!: Date | null;
  nextCheckAt!: Date | null;
  updatedAt!: Date;
  version!: number;
}

const timestamp = { type: 'Date', columnType: 'timestamptz' } as const;

export const RetrievalRequestSchema = new EntitySchema<RetrievalRequestRecord>({
  class: RetrievalRequestRecord,
  tableName: 'retrieval_requests',
  properties: {
    id: { type: 'uuid', primary: true },
    fileId: { type: 'uuid' },
    ownerId: { type: 'text' },
    requestedBy: { type: 'text' },
    providerId: { type: 'text' },
    storageKey: { type: 'text' },
    tier: { type: 'text' },
    tierSince: timestamp,
    days: { type: 'integer' },
    status: { type: 'text' },
    restoreHandle: { type: 'text', nullable: true },
    requestedAt: timestamp,
    estimatedReadyAt: timestamp,
    completedAt: { ...timestamp, nullable: true },
    availableUntil: { ...timestamp, nullable: true },
    failureReason: { type: 'text', nullable: true },
    checks: { type: 'integer' },
    lastCheckedAt: { ...timestamp, nullable: true },
    nextCheckAt: { ...timestamp, nullable: true },
    updatedAt: timestamp,
    version: { type: 'integer' },
  },
});
