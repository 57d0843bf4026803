import { WebhookEndpoint, WebhookEventTypes, WebhookSecret, WebhookUrl } from '../../domain/webhooks';
import { SecretCipher, SecretUnreadableError } from './secret-cipher';

/** Row shape of `webhook_endpoints` (read with raw SQL: a text[] column and an insert under a per-owner lock). */
export interface WebhookEndpointRow {
  id: string;
  owner_id: string;
  url: string;
  event_types: string[];
  /** Encrypted (SecretCipher); plain text in rows written before encryption, until their next save. */
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | string | null;
  active: boolean;
  created_at: Date | string;
  updated_at: Date | string;
  version: number;
}

export const WEBHOOK_ENDPOINT_COLUMNS = [
  'id',
  'owner_id',
  'url',
  'event_types',
  'secret',
  'previous_secret',
  'previous_secret_expires_at',
  'active',
  'created_at',
  'updated_at',
  'version',
] as const;
type Column = (typeof WEBHOOK_ENDPOINT_COLUMNS)[number];

/** What a secret is authenticated with: its row, so a value copied into another row does not open there. */
export const webhookSecretContext = (endpointId: string) => `webhook_endpoints:${endpointId.toLowerCase()}`;

/** How each unreadable secret was stored: a save writes it back unchanged instead of losing it. */
const storedUnreadable = new WeakMap<WebhookSecret, string>();

/** Rows ↔ aggregates; secrets are opened on the way in and sealed (under the current key) on the way out. */
export class WebhookEndpointMapper {
  constructor(private readonly cipher: SecretCipher) {}

  toDomain(r: WebhookEndpointRow): WebhookEndpoint {
    return WebhookEndpoint.reconstitute(
      {
        id: r.id,
        ownerId: r.owner_id,
        url: WebhookUrl.stored(r.url),
        eventTypes: WebhookEventTypes.of(r.event_types),
        secret: this.open(r.secret, r.id),
        previousSecret:
          r.previous_secret === null
            ? null
            : { secret: this.open(r.previous_secret, r.id), expiresAt: new Date(r.previous_secret_expires_at!) },
        active: r.active,
        createdAt: new Date(r.created_at),
        updatedAt: new Date(r.updated_at),
      },
      r.version,
    );
  }

  /** Column values, the event types as JSON (knex would expand an array binding into a list). */
  toColumns(endpoint: WebhookEndpoint, version: number): Record<Column, unknown> {
    const s = endpoint.snapshot();
    return {
      id: s.id,
      owner_id: s.ownerId,
      url: s.url.href,
      event_types: JSON.stringify(s.eventTypes.values),
      secret: this.seal(s.secret, s.id),
      previous_secret: s.previousSecret ? this.seal(s.previousSecret.secret, s.id) : null,
      previous_secret_expires_at: s.previousSecret?.expiresAt ?? null,
      active: s.active,
      created_at: s.createdAt,
      updated_at: s.updatedAt,
      version,
    };
  }

  private open(stored: string, endpointId: string): WebhookSecret {
    try {
      return WebhookSecret.of(this.cipher.open(stored, webhookSecretContext(endpointId)));
    } catch (error) {
      if (!(error instanceof SecretUnreadableError)) throw error;
      const secret = WebhookSecret.unreadable(`its stored form ${error.reason}`);
      storedUnreadable.set(secret, stored);
      return secret;
    }
  }

  private seal(secret: WebhookSecret, endpointId: string): string {
    if (secret.readable) return this.cipher.seal(secret.value, webhookSecretContext(endpointId));
    const stored = storedUnreadable.get(secret);
    if (stored === undefined)
      throw new Error(`Endpoint ${endpointId}: an unreadable secret that was not loaded from its row`);
    return stored;
  }
}
