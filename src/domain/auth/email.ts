import { textReason, ValidationError } from '../shared';

// RFC 5321 caps a forward path at 256 octets including the angle brackets.
const MAX_LENGTH = 254;
// Deliberately loose: one @, no spaces, a dot in the domain. Only a delivered mail proves an address.
const SHAPE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/**
 * A user's email address, compared case-insensitively: it is kept lower-cased, so that
 * `Alice@Example.com` and `alice@example.com` are one account (users_email_uq is on lower(email)).
 */
export class Email {
  private constructor(readonly value: string) {}

  static of(raw: string): Email {
    const value = raw.normalize('NFC').trim().toLowerCase();
    // The shape allows any non-space character; text rules keep controls and lone surrogates out.
    if (value.length > MAX_LENGTH || !SHAPE.test(value) || textReason(value, 'single-line') !== undefined) {
      throw new ValidationError('The email address is not valid.', {
        code: 'invalid-email',
        fieldErrors: [{ field: 'email', message: 'must be an email address' }],
      });
    }
    return new Email(value);
  }

  equals(other: Email): boolean {
    return this.value === other.value;
  }

  toString(): string {
    return this.value;
  }
}
