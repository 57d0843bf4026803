import { RetrievalRequest } from '../../domain/retrieval';

/** What the API reports of a retrieval request. */
export interface RetrievalView {
  id: string;
  fileId: string;
  ownerId: string;
  tier: string;
  status: string;
  providerId: string;
  days: number;
  requestedAt: Date;
  estimatedReadyAt: Date;
  completedAt: Date | null;
  /** Until when the restored copy can be downloaded (once ready). */
  availableUntil: Date | null;
  failureReason: string | null;
  checks: number;
  lastCheckedAt: Date | null;
}

export function toRetrievalView(request: RetrievalRequest): RetrievalView {
  const {
    location,
    restoreHandle: _handle,
    requestedBy: _by,
    nextCheckAt: _next,
    updatedAt: _updated,
    ...s
  } = request.snapshot();
  return { ...s, providerId: location.providerId };
}
