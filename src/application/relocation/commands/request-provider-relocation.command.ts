import { Command } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { RetrievalTier } from '../../../domain/storage';

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
