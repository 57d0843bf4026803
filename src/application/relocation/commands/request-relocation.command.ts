import { Command } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { RetrievalTier } from '../../../domain/storage';

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
