import { ValidationError } from '../shared';
import { assertAcceptablePassword } from './password-policy';

describe('password policy', () => {
  it('accepts 8 to 1024 characters', () => {
    expect(() => assertAcceptablePassword('12345678')).not.toThrow();
    expect(() => assertAcceptablePassword('x'.repeat(1024))).not.toThrow();
  });

  it('refuses 7 and 1025 characters with a field error on password', () => {
    for (const plain of ['1234567', 'x'.repeat(1025)]) {
      expect(() => assertAcceptablePassword(plain)).toThrow(ValidationError);
    }
    try {
      assertAcceptablePassword('short');
    } catch (e) {
      expect((e as ValidationError).fieldErrors).toEqual([
        { field: 'password', message: 'must be 8 to 1024 characters long' },
      ]);
    }
  });

  it('counts characters, not UTF-16 units: four emoji are four characters', () => {
    expect(() => assertAcceptablePassword('🔑🔑🔑🔑')).toThrow(ValidationError);
    expect(() => assertAcceptablePassword('🔑🔑🔑🔑🔑🔑🔑🔑')).not.toThrow();
  });
});
