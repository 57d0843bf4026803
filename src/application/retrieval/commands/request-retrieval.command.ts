import { Command } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { RetrievalTier } from '../../../domain/storage';
import { RetrievalView } from '../retrieval-view';

export interface RetrievalOutcome {
  retrieval: RetrievalView;
  /** An active request for the file existed already: this one joined it. */
  shared: boolean;
}

/** Asks for an archived file to be restored (or joins the restore already under way). */
export class RequestRetrievalCommand extends Command<RetrievalOutcome> {
  constructor(
    readonly actor: Actor,
    readonly fileId: string,
    readonly tier: RetrievalTier,
    /** Days the restored copy stays readable; the deployment's default when undefined. */
    readonly days?: number,
  ) {
    super();
  }
}
