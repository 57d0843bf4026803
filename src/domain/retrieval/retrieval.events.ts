import { DomainEvent } from '../shared';

interface RetrievalFacts {
  fileId: string;
  ownerId: string;
  tier: string;
}

export class RetrievalRequested extends DomainEvent<RetrievalFacts & { requestedBy: string; providerId: string; estimatedReadyAt: string }> {
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

export const RETRIEVAL_EVENTS = [RetrievalRequested, RetrievalCompleted, RetrievalFailed, RetrievalExpired] as const;
