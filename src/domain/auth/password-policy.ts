import { ValidationError } from '../shared';

export const PASSWORD_MIN_LENGTH = 8;
// Long passphrases are welcome; the cap only stops megabyte "passwords" from being hashed.
export const PASSWORD_MAX_LENGTH = 1024;

/** Refuses a new password the policy does not accept. Length is counted in characters, not bytes. */
export function assertAcceptablePassword(plain: string): void {
  const length = [...plain].length;
  if (length >= PASSWORD_MIN_LENGTH && length <= PASSWORD_MAX_LENGTH) return;
  const message = `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long`;
  throw new ValidationError(`The password ${message}.`, {
    code: 'unacceptable-password',
    fieldErrors: [{ field: 'password', message }],
  });
}
