import { ValidationError } from '../shared';

export const MIN_WEBHOOK_SECRET_LENGTH = 24;
export const MAX_WEBHOOK_SECRET_LENGTH = 256;

/** The HMAC key shared with the receiver: long enough to resist guessing, printable ASCII without spaces. */
export class WebhookSecret {
  private constructor(readonly value: string) {}

  static of(value: string): WebhookSecret {
    if (value.length < MIN_WEBHOOK_SECRET_LENGTH || value.length > MAX_WEBHOOK_SECRET_LENGTH || !/^[\x21-\x7e]+$/.test(value)) {
      throw new ValidationError(`A webhook secret must be ${MIN_WEBHOOK_SECRET_LENGTH} to ${MAX_WEBHOOK_SECRET_LENGTH} printable ASCII characters without spaces.`, {
        code: 'invalid-webhook-secret',
        fieldErrors: [{ field: 'secret', message: `must be ${MIN_WEBHOOK_SECRET_LENGTH}–${MAX_WEBHOOK_SECRET_LENGTH} printable ASCII characters, no spaces` }],
      });
    }
    return new WebhookSecret(value);
  }
}
