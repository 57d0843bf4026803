import { DomainError } from '../shared';
import { DEFAULT_MAX_FILE_SIZE, FileSize, FileTooLargeError } from './file-size';

describe('FileSize', () => {
  it('accepts zero bytes, since empty files exist', () => {
    expect(FileSize.of(0).bytes).toBe(0);
  });

  it('keeps the byte count it was given', () => {
    expect(FileSize.of(1_048_576).bytes).toBe(1_048_576);
  });

  it('has a default maximum of 5 GiB', () => {
    expect(DEFAULT_MAX_FILE_SIZE).toBe(5 * 1024 * 1024 * 1024);
    expect(FileSize.of(5_368_709_120).bytes).toBe(5_368_709_120);
  });

  it('refuses one byte over the default maximum with FileTooLargeError', () => {
    expect(() => FileSize.of(5_368_709_121)).toThrow(FileTooLargeError);
  });

  it('refuses a size over an explicit maximum, naming that maximum', () => {
    let error: unknown;
    try {
      FileSize.of(101, 100);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FileTooLargeError);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as FileTooLargeError).maxBytes).toBe(100);
    expect((error as FileTooLargeError).kind).toBe('too-large');
    expect((error as FileTooLargeError).code).toBe('file-too-large');
  });

  it('accepts a size exactly at an explicit maximum', () => {
    expect(FileSize.of(100, 100).bytes).toBe(100);
  });

  it('allows a maximum above the default when one is given', () => {
    expect(FileSize.of(6 * 1024 ** 3, Number.MAX_SAFE_INTEGER).bytes).toBe(6 * 1024 ** 3);
  });

  it.each([-1, -0.5, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1])(
    'refuses %p as a size',
    (bytes) => {
      expect(() => FileSize.of(bytes, Number.MAX_VALUE)).toThrow(RangeError);
    },
  );
});
