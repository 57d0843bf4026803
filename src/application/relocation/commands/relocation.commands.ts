import { Command } from '@nestjs/cqrs';
import { RetrievalTier } from '../../../domain/storage';
import { Actor } from '../../../domain/auth/role';

export interface RelocationRequested {
  jobId: string;
  fileId: string;
  fromProviderId: string;
  toProviderId: string;
  /** The file is in archive storage: a restore (at this tier) comes first. */
  retrievalTier: RetrievalTier | null;
}

/** Asks for a file's bytes to move to another provider; the move runs as a job. */
export class RequestRelocationCommand extends Command<RelocationRequested> {
  constructor(
    readonly actor: Actor,
    readonly fileId: string,
    readonly toProviderId: string,
    readonly tier?: RetrievalTier,
  ) {
    super();
  }
}

/** Admins: move every live file off one provider (decommissioning it, leaving a legacy vault). */
export class RequestProviderRelocationCommand extends Command<{ jobId: string }> {
  constructor(
    readonly actor: Actor,
    readonly fromProviderId: string,
    readonly toProviderId: string,
    readonly tier?: RetrievalTier,
  ) {
    super();
  }
}

export type RelocationOutcome =
  /** `renditions`: how many of its thumbnails and previews came along (see RenditionFollower). */
  | { status: 'relocated'; fromProviderId: string; toProviderId: string; bytes: number; renditions: number }
  /** Nothing to do (any more): the file is gone, deleted, or already where it should be. */
  | { status: 'skipped'; reason: string }
  /** The bytes are in archive storage and their restore is not ready: run again at `retryAt`. */
  | { status: 'waiting'; retrievalId: string; retryAt: Date };

/** The move itself: restore when archived, copy (checked against the SHA-256), repoint, let go of the old copy. */
export class RelocateFileCommand extends Command<RelocationOutcome> {
  constructor(
    readonly fileId: string,
    readonly toProviderId: string,
    readonly tier: RetrievalTier,
    readonly requestedBy: string,
    readonly run: { signal?: AbortSignal; progress?: (percent: number) => Promise<void> } = {},
    /** The restore an earlier run of this move waited for: when it failed, so does the move. */
    readonly waitedFor?: string,
  ) {
    super();
  }
}

/** Queues a move for every live file on a provider, page by page. */
export class RelocateProviderFilesCommand extends Command<{ queued: number }> {
  constructor(
    readonly fromProviderId: string,
    readonly toProviderId: string,
    readonly tier: RetrievalTier,
    readonly requestedBy: string,
    readonly run: { signal?: AbortSignal; batchSize?: number } = {},
  ) {
    super();
  }
}
