import { DomainError } from '../shared';
import { RetrievalTier } from '../storage';

export class RetrievalNotFoundError extends DomainError {
  readonly kind = 'not-found' as const;
  readonly code = 'retrieval-not-found';
  constructor(id: string) {
    super(`No retrieval request with id ${id}.`);
  }
}

export class InvalidRetrievalTierError extends DomainError {
  readonly kind = 'validation' as const;
  readonly code = 'invalid-retrieval-tier';
  constructor(tier: string, offered: readonly RetrievalTier[], providerId: string) {
    super(`Tier "${tier}" is not offered for files on ${providerId}; choose one of: ${offered.join(', ')}.`, [
      { field: 'tier', message: `must be one of ${offered.join(', ')}` },
    ]);
  }
}

/**
 * The file's bytes are in archive storage with no restored copy to read. Carries the retrieval
 * already under way, if there is one, so the client can be pointed at it.
 */
export class RetrievalRequiredError extends DomainError {
  readonly kind = 'conflict' as const;
  readonly code = 'retrieval-required';
  constructor(
    readonly fileId: string,
    readonly pending: { id: string; status: string; estimatedReadyAt: Date } | null,
  ) {
    super(
      pending
        ? `File ${fileId} is in archive storage; retrieval ${pending.id} is ${pending.status} and expected by ${pending.estimatedReadyAt.toISOString()}.`
        : `File ${fileId} is in archive storage; request a retrieval before downloading it.`,
    );
  }
}

export class RetrievalNotNeededError extends DomainError {
  readonly kind = 'conflict' as const;
  readonly code = 'retrieval-not-needed';
  constructor(fileId: string, status: string) {
    super(`File ${fileId} is ${status}, not archived: its content can be downloaded without a retrieval.`);
  }
}

/** Another request for the same file became active first (the repository's uniqueness check). */
export class ActiveRetrievalExistsError extends DomainError {
  readonly kind = 'conflict' as const;
  readonly code = 'retrieval-already-active';
  constructor(readonly fileId: string) {
    super(`File ${fileId} already has a retrieval under way.`);
  }
}
