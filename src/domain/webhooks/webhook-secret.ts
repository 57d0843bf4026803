import { ValidationError } from '../shared';
import { WebhookSecretUnreadableError } from './webhook.errors';

export const MIN_WEBHOOK_SECRET_LENGTH = 24;
export const MAX_WEBHOOK_SECRET_LENGTH = 256;

/** The HMAC key shared with the receiver: long enough to resist guessing, printable ASCII without spaces. */
export class WebhookSecret {
  private constructor(
    private readonly secret: string | null,
    /** Why a stored secret could not be read back; null for a readable one. */
    readonly unreadableReason: string | null,
  ) {}

  static of(value: string): WebhookSecret {
    if (
      value.length < MIN_WEBHOOK_SECRET_LENGTH ||
      value.length > MAX_WEBHOOK_SECRET_LENGTH ||
      !/^[\x21-\x7e]+$/.test(value)
    ) {
      throw new ValidationError(
        `A webhook secret must be ${MIN_WEBHOOK_SECRET_LENGTH} to ${MAX_WEBHOOK_SECRET_LENGTH} printable ASCII characters without spaces.`,
        {
          code: 'invalid-webhook-secret',
          fieldErrors: [
            {
              field: 'secret',
              message: `must be ${MIN_WEBHOOK_SECRET_LENGTH}–${MAX_WEBHOOK_SECRET_LENGTH} printable ASCII characters, no spaces`,
            },
          ],
        },
      );
    }
    return new WebhookSecret(value, null);
  }

  /**
   * A stored secret that can no longer be read (its stored form failed a check, or the key to it is
   * gone): nothing can be signed with it, and rotating the endpoint's secret replaces it.
   */
  static unreadable(reason: string): WebhookSecret {
    return new WebhookSecret(null, reason);
  }

  get readable(): boolean {
    return this.secret !== null;
  }

  /** Throws WebhookSecretUnreadableError for an unreadable secret. */
  get value(): string {
    if (this.secret === null) throw new WebhookSecretUnreadableError(this.unreadableReason ?? 'unknown reason');
    return this.secret;
  }

  equals(other: WebhookSecret): boolean {
    return this.secret !== null && this.secret === other.secret;
  }

  /** An endpoint serialised by mistake (a log line, a job's data) does not carry its secret. */
  toJSON(): string {
    return this.secret === null ? '[unreadable webhook secret]' : '[webhook secret]';
  }
}
