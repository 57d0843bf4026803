import { Command } from '@nestjs/cqrs';
import { RetrievalTier } from '../../../domain/storage';

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
