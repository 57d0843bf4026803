import { ValidationError } from '../shared';
import { Email } from './email';

describe('Email', () => {
  it('is kept trimmed and lower-cased, so addresses compare case-insensitively', () => {
    expect(Email.of('  Alice@Example.COM ').value).toBe('alice@example.com');
    expect(Email.of('Alice@Example.com').equals(Email.of('alice@example.com'))).toBe(true);
  });

  it.each([
    '',
    'alice',
    'alice@',
    '@example.com',
    'alice@example',
    'al ice@example.com',
    'a@b@example.com',
    'alice@example..com',
    'a\u0000lice@example.com',
    'alice\u0007@example.com',
    'alice\u0085@example.com',
    '\ud800@x.io',
  ])('refuses %j with a field error on email', (raw) => {
    expect(() => Email.of(raw)).toThrow(ValidationError);
    try {
      Email.of(raw);
    } catch (e) {
      expect((e as ValidationError).fieldErrors).toEqual([{ field: 'email', message: 'must be an email address' }]);
    }
  });

  it('refuses an address longer than 254 characters', () => {
    expect(() => Email.of(`${'a'.repeat(245)}@example.com`)).toThrow(ValidationError);
  });

  it('accepts plus addressing and subdomains', () => {
    expect(Email.of('alice+files@mail.example.co.uk').value).toBe('alice+files@mail.example.co.uk');
  });
});
