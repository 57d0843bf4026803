import { StorageLocation } from '../../domain/files';
import { RetrievalRequest, RetrievalStatus } from '../../domain/retrieval';
import { RetrievalTier } from '../../domain/storage';
import { RetrievalRequestRecord } from './schemas/retrieval-request.record';

export const RetrievalRequestMapper = {
  toDomain(r: RetrievalRequestRecord): RetrievalRequest {
    return RetrievalRequest.reconstitute(
      {
        id: r.id,
        fileId: r.fileId,
        ownerId: r.ownerId,
        requestedBy: r.requestedBy,
        location: StorageLocation.of(r.providerId, r.storageKey),
        tier: r.tier as RetrievalTier,
        tierSince: r.tierSince,
        days: r.days,
        status: r.status as RetrievalStatus,
        restoreHandle: r.restoreHandle,
        requestedAt: r.requestedAt,
        estimatedReadyAt: r.estimatedReadyAt,
        completedAt: r.completedAt,
        availableUntil: r.availableUntil,
        failureReason: r.failureReason,
        checks: r.checks,
        lastCheckedAt: r.lastCheckedAt,
        nextCheckAt: r.nextCheckAt,
        updatedAt: r.updatedAt,
      },
      r.version,
    );
  },

  toRecord(request: RetrievalRequest, version: number): RetrievalRequestRecord {
    const { location, ...s } = request.snapshot();
    return { ...s, providerId: location.providerId, storageKey: location.key, version };
  },
};
