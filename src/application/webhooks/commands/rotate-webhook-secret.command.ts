import { Command } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { WebhookView } from '../webhook-view';

export interface RotatedWebhookSecret {
  webhook: WebhookView;
  /** The new secret: shown this once. */
  secret: string;
  /**
   * Until when deliveries are signed with the replaced secret too; null: not at all (no grace, or it was unreadable).
   */
  previousSecretExpiresAt: Date | null;
}

/** Replaces the signing secret; the old one keeps signing during the grace period. */
export class RotateWebhookSecretCommand extends Command<RotatedWebhookSecret> {
  constructor(
    readonly actor: Actor,
    readonly id: string,
    /** The client's own new secret; one is generated when undefined. */
    readonly secret?: string,
  ) {
    super();
  }
}
