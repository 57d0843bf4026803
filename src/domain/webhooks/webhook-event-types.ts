import { ValidationError } from '../shared';

/** The events an endpoint may subscribe to, by their wire names (the domain events' names). */
export const WEBHOOK_EVENT_TYPES = [
  'file.uploaded',
  'file.deleted',
  'file.restored',
  'retrieval.ready',
  'retrieval.failed',
  'upload.expired',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Sent on request (POST /webhooks/:id/ping) to every endpoint, whatever it subscribes to. */
export const WEBHOOK_PING = 'ping';

export function isWebhookEventType(name: string): name is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(name);
}

/** A non-empty set of known event types, kept in the catalogue's order (duplicates dropped). */
export class WebhookEventTypes {
  private constructor(readonly values: readonly WebhookEventType[]) {}

  static of(names: readonly string[]): WebhookEventTypes {
    const unknown = names.filter((n) => !isWebhookEventType(n));
    if (unknown.length) {
      throw new ValidationError(`Unknown event type(s): ${unknown.map((n) => JSON.stringify(n)).join(', ')}.`, {
        code: 'unknown-webhook-event-type',
        fieldErrors: [{ field: 'events', message: `must be among ${WEBHOOK_EVENT_TYPES.join(', ')}` }],
      });
    }
    if (names.length === 0) {
      throw new ValidationError('An endpoint must subscribe to at least one event type.', {
        code: 'no-webhook-event-types',
        fieldErrors: [{ field: 'events', message: 'must name at least one event type' }],
      });
    }
    return new WebhookEventTypes(WEBHOOK_EVENT_TYPES.filter((t) => names.includes(t)));
  }

  includes(name: string): boolean {
    return (this.values as readonly string[]).includes(name);
  }
}
