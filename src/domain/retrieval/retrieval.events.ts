import { DomainEvent } from '../shared';

interface RetrievalFacts {
  fileId: string;
  ownerId: string;
  tier: string;
}

export class RetrievalRequested extends DomainEvent<
  RetrievalFacts & { requestedBy: string; providerId: string; estimatedReadyAt: string }
> {
  static override readonly eventName = 'retrieval.requested';
}

/** The archived file can be downloaded now; later issues notify the user on it. */
export class RetrievalCompleted extends DomainEvent<RetrievalFacts & { availableUntil: string }> {
  static override readonly eventName = 'retrieval.ready';
}

export class RetrievalFailed extends DomainEvent<RetrievalFacts & { reason: string }> {
  static override readonly eventName = 'retrieval.failed';
}

export class RetrievalExpired extends DomainEvent<RetrievalFacts> {
  static override readonly eventName = 'retrieval.expired';
}

/** A faster tier took over a restore that was not ready yet (`tier` is the new one). */
export class RetrievalTierUpgraded extends DomainEvent<
  RetrievalFacts & { previousTier: string; estimatedReadyAt: string }
> {
  static override readonly eventName = 'retrieval.upgraded';
}

export const RETRIEVAL_EVENTS = [
  RetrievalRequested,
  RetrievalCompleted,
  RetrievalFailed,
  RetrievalExpired,
  RetrievalTierUpgraded,
] as const;
