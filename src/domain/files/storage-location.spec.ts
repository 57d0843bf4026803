import { ValidationError } from '../shared';
import { StorageLocation } from './storage-location';

function refusal(providerId: string, key: string): ValidationError {
  try {
    StorageLocation.of(providerId, key);
  } catch (e) {
    return e as ValidationError;
  }
  throw new Error(`${providerId}:${key} was accepted`);
}

describe('StorageLocation', () => {
  it.each([
    'object',
    'ab/cd/3f2a9c1e-7b7d-4c1e-9d1a-0a6b1d2f3e4c',
    'users/user_1/files/2024-05-01/photo.v2.jpg',
    '.hidden/a',
    'a/...b',
    'x'.repeat(1024),
  ])('accepts the safe key %p', (key) => {
    const location = StorageLocation.of('local', key);
    expect(location.providerId).toBe('local');
    expect(location.key).toBe(key);
  });

  it.each([
    ['a parent segment', '../etc/passwd'],
    ['a parent segment in the middle', 'a/../../b'],
    ['a trailing parent segment', 'a/..'],
    ['a current-directory segment', 'a/./b'],
    ['a lone dot', '.'],
    ['an absolute path', '/etc/passwd'],
    ['a backslash', 'a\\b'],
    ['a Windows traversal', '..\\..\\win.ini'],
    ['an empty segment', 'a//b'],
    ['a trailing slash', 'a/b/'],
    ['an empty key', ''],
    ['a space', 'a b'],
    ['a percent-encoded traversal', '%2e%2e/x'],
    ['a NUL byte', 'a\u0000b'],
    ['a non-ASCII character', 'caf\u00e9'],
    ['more than 1024 characters', 'x'.repeat(1025)],
  ])('refuses a key with %s', (_what, key) => {
    const error = refusal('local', key);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('invalid-storage-key');
  });

  it.each(['local', 's3', 's3-archive', '0', 'a'.repeat(63)])('accepts the provider id %p', (id) => {
    expect(StorageLocation.of(id, 'k').providerId).toBe(id);
  });

  it.each(['', 'S3', '-s3', 's3_archive', 's3.archive', 'a'.repeat(64), 'local/..'])(
    'refuses the provider id %p',
    (id) => {
      expect(refusal(id, 'k').code).toBe('invalid-provider-id');
    },
  );

  it('is equal to another location with the same provider and key only', () => {
    const a = StorageLocation.of('local', 'a/b');
    expect(a.equals(StorageLocation.of('local', 'a/b'))).toBe(true);
    expect(a.equals(StorageLocation.of('s3', 'a/b'))).toBe(false);
    expect(a.equals(StorageLocation.of('local', 'a/c'))).toBe(false);
  });
});
