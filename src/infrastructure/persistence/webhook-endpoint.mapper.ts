import { WebhookEndpoint, WebhookEventTypes, WebhookSecret, WebhookUrl } from '../../domain/webhook';

/** Row shape of `webhook_endpoints` (read with raw SQL: a text[] column and an insert under a per-owner lock). */
export interface WebhookEndpointRow {
  id: string;
  owner_id: string;
  url: string;
  event_types: string[];
  secret: string;
  active: boolean;
  created_at: Date | string;
  updated_at: Date | string;
  version: number;
}

export const WebhookEndpointMapper = {
  toDomain(r: WebhookEndpointRow): WebhookEndpoint {
    return WebhookEndpoint.reconstitute(
      {
        id: r.id,
        ownerId: r.owner_id,
        url: WebhookUrl.stored(r.url),
        eventTypes: WebhookEventTypes.of(r.event_types),
        secret: WebhookSecret.of(r.secret),
        active: r.active,
        createdAt: new Date(r.created_at),
        updatedAt: new Date(r.updated_at),
      },
      r.version,
    );
  },

  /** Columns in insert order, the event types as JSON (knex would expand an array binding into a list). */
  toValues(endpoint: WebhookEndpoint, version: number): unknown[] {
    const s = endpoint.snapshot();
    return [s.id, s.ownerId, s.url.href, JSON.stringify(s.eventTypes.values), s.secret.value, s.active, s.createdAt, s.updatedAt, version];
  },
};
