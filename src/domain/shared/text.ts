import { ValidationError } from './domain-error';

/**
 * What text the service holds, wherever it comes from (a query, a JSON body, a multipart field, a
 * tus header). PostgreSQL `text` cannot hold NUL, and `jsonb` (the outbox, upload metadata) refuses
 * both `\u0000` and an unpaired UTF-16 surrogate, so text that breaks the first rule below would be
 * a 500 at the moment it is written. The second rule keeps control characters out of names, tags
 * and addresses, where they would corrupt a header, a log line or a listing.
 *
 * - Every string: well-formed Unicode (no lone surrogate) and no NUL (`isStorableText`).
 * - Single-line text (names, tags, emails, MIME types): no control character at all (C0, DEL, C1).
 * - Multi-line text (descriptions): the same, except TAB, LF and CR.
 */
export type TextShape = 'single-line' | 'multi-line';

/* eslint-disable no-control-regex -- control characters are what they find */
const CONTROL = {
  'single-line': /[\u0000-\u001f\u007f-\u009f]/,
  'multi-line': /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/,
};
/* eslint-enable no-control-regex */

/** Why `value` cannot be stored as text at all, or undefined: the rule every string from a client meets. */
export function unstorableTextReason(value: string): string | undefined {
  if (!value.isWellFormed()) return 'must be well-formed Unicode (it holds an unpaired surrogate)';
  if (value.includes('\u0000')) return 'may not contain a NUL character';
  return undefined;
}

export function isStorableText(value: string): boolean {
  return unstorableTextReason(value) === undefined;
}

/** Why `value` is not acceptable text of this shape, or undefined. */
export function textReason(value: string, shape: TextShape): string | undefined {
  if (!value.isWellFormed()) return 'must be well-formed Unicode (it holds an unpaired surrogate)';
  if (!CONTROL[shape].test(value)) return undefined;
  return shape === 'single-line'
    ? 'may not contain control characters'
    : 'may not contain control characters other than tab and line breaks';
}

/** `value` when it is acceptable text of this shape; else a ValidationError naming `field`. */
export function checkedText(field: string, value: string, shape: TextShape, code = 'invalid-text'): string {
  const reason = textReason(value, shape);
  if (reason !== undefined)
    throw new ValidationError(`${field} ${reason}.`, { code, fieldErrors: [{ field, message: reason }] });
  return value;
}
