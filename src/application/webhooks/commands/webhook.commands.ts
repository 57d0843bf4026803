import { Command } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { WebhookEvent } from '../ports';
import { WebhookView } from '../webhook-view';

export class RegisterWebhookCommand extends Command<{ webhook: WebhookView; secret: string }> {
  constructor(
    readonly actor: Actor,
    readonly url: string,
    readonly events: readonly string[],
    /** The client's own secret; one is generated when undefined. */
    readonly secret?: string,
  ) {
    super();
  }
}

export class UpdateWebhookCommand extends Command<WebhookView> {
  constructor(
    readonly actor: Actor,
    readonly id: string,
    readonly changes: { url?: string; events?: readonly string[]; active?: boolean },
  ) {
    super();
  }
}

export class DeleteWebhookCommand extends Command<void> {
  constructor(readonly actor: Actor, readonly id: string) {
    super();
  }
}

/** Queues a `ping` event to the endpoint, delivered (signed, retried, logged) like any other. */
export class PingWebhookCommand extends Command<{ eventId: string }> {
  constructor(readonly actor: Actor, readonly id: string) {
    super();
  }
}

export interface RotatedWebhookSecret {
  webhook: WebhookView;
  /** The new secret: shown this once. */
  secret: string;
  /** Until when deliveries are signed with the replaced secret too; null: not at all (no grace, or it was unreadable). */
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

export interface DeliveryOutcome {
  outcome: 'succeeded' | 'failed' | 'skipped';
  /** For a failure: whether another attempt may succeed. */
  retryable: boolean;
  detail: string;
}

/** One attempt to deliver an event to an endpoint (the webhooks queue's job). */
export class DeliverWebhookCommand extends Command<DeliveryOutcome> {
  constructor(
    readonly endpointId: string,
    readonly event: WebhookEvent,
    readonly attempt: number,
    readonly signal: AbortSignal,
  ) {
    super();
  }
}
