import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { ConcurrentModificationError } from '../../domain/files';
import { ActiveRetrievalExistsError, RetrievalRequest, RetrievalRequestRepository } from '../../domain/retrieval';
import { isUuid } from '../../domain/shared';
import { OutboxWriter } from '../outbox/outbox.writer';
import { RetrievalRequestMapper } from './retrieval-request.mapper';
import { RetrievalRequestRecord, RetrievalRequestSchema } from './schemas/retrieval-request.record';
import { writeVersioned } from './versioned-write';

const ACTIVE = `status in ('requested', 'in-progress', 'ready')`;

const COLUMN_OF: Record<keyof RetrievalRequestRecord, string> = {
  id: 'id',
  fileId: 'file_id',
  ownerId: 'owner_id',
  requestedBy: 'requested_by',
  providerId: 'provider_id',
  storageKey: 'storage_key',
  tier: 'tier',
  tierSince: 'tier_since',
  days: 'days',
  status: 'status',
  restoreHandle: 'restore_handle',
  requestedAt: 'requested_at',
  estimatedReadyAt: 'estimated_ready_at',
  completedAt: 'completed_at',
  availableUntil: 'available_until',
  failureReason: 'failure_reason',
  checks: 'checks',
  lastCheckedAt: 'last_checked_at',
  nextCheckAt: 'next_check_at',
  updatedAt: 'updated_at',
  version: 'version',
};

/** Retrieval requests and their events, each save one statement (see writeVersioned). */
@Injectable()
export class MikroRetrievalRequestRepository implements RetrievalRequestRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: OutboxWriter,
  ) {}

  async findById(id: string): Promise<RetrievalRequest | null> {
    if (!isUuid(id)) return null;
    const row = await this.em.fork().findOne(RetrievalRequestSchema, { id: id.toLowerCase() });
    return row ? RetrievalRequestMapper.toDomain(row) : null;
  }

  async findCurrentForFile(fileId: string): Promise<RetrievalRequest | null> {
    if (!isUuid(fileId)) return null;
    const row = await this.em
      .fork()
      .findOne(
        RetrievalRequestSchema,
        { fileId: fileId.toLowerCase(), status: { $in: ['requested', 'in-progress', 'ready'] } },
        { orderBy: { requestedAt: 'desc' } },
      );
    return row ? RetrievalRequestMapper.toDomain(row) : null;
  }

  async save(request: RetrievalRequest): Promise<void> {
    const [written] = await writeVersioned(this.em, this.outbox, [
      {
        table: 'retrieval_requests',
        columnOf: COLUMN_OF,
        record: RetrievalRequestMapper.toRecord(request, request.version + 1),
        loadedVersion: request.version,
        aggregateType: 'retrieval-request',
        events: request.peekEvents(),
        // One active restore per file: a second request that lost the race shares the first.
        onInsertConflict: `on conflict (file_id) where ${ACTIVE} do nothing`,
      },
    ]);
    if (written === 0) {
      throw request.version === 0
        ? new ActiveRetrievalExistsError(request.fileId)
        : new ConcurrentModificationError(request.id);
    }
    const announced = request.pullEvents().length > 0;
    request.markPersisted(request.version + 1);
    if (announced) this.outbox.committed();
  }

  async findDue(before: Date, limit: number): Promise<RetrievalRequest[]> {
    const rows = await this.em
      .fork()
      .find(
        RetrievalRequestSchema,
        { status: { $in: ['requested', 'in-progress', 'ready'] }, nextCheckAt: { $lte: before } },
        { orderBy: { nextCheckAt: 'asc' }, limit },
      );
    return rows.map((r) => RetrievalRequestMapper.toDomain(r));
  }
}
