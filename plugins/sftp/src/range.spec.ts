import { resolveRange } from './range';

describe('resolveRange', () => {
  it('leaves the whole object alone when no range is asked for', () => {
    expect(resolveRange(undefined, 10)).toBeUndefined();
    expect(resolveRange(undefined, 0)).toBeUndefined();
  });

  it('serves the first, the last and a single byte', () => {
    expect(resolveRange({ start: 0, end: 0 }, 10)).toEqual({ start: 0, end: 0 });
    expect(resolveRange({ start: 9 }, 10)).toEqual({ start: 9, end: 9 });
    expect(resolveRange({ start: 4, end: 4 }, 10)).toEqual({ start: 4, end: 4 });
  });

  it('clamps an end past the object to its last byte', () => {
    expect(resolveRange({ start: 3, end: 1000 }, 10)).toEqual({ start: 3, end: 9 });
  });

  it('refuses a start at or past the end as not satisfiable', () => {
    expect(() => resolveRange({ start: 10 }, 10)).toThrow(
      expect.objectContaining({ code: 'ERR_RANGE_NOT_SATISFIABLE' }),
    );
    expect(() => resolveRange({ start: 0 }, 0)).toThrow(expect.objectContaining({ code: 'ERR_RANGE_NOT_SATISFIABLE' }));
  });

  it('refuses backwards, negative and fractional ranges as invalid', () => {
    for (const range of [{ start: 5, end: 4 }, { start: -1 }, { start: 1.5 }, { start: 0, end: Number.NaN }]) {
      expect(() => resolveRange(range, 10)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    }
  });
});
