import { decodeCursor, encodeCursor } from './keyset-cursor';

const ID = '01a209c3-8221-7507-a25a-1c62b0c250bc';
const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('keyset cursors', () => {
  it('decode to the row they were made from', () => {
    expect(decodeCursor(encodeCursor('2026-07-01T10:00:00.000Z', ID))).toEqual([
      new Date('2026-07-01T10:00:00.000Z'),
      ID,
    ]);
  });

  it.each([
    ['not base64 JSON', 'bm90LWEtY3Vyc29y'],
    ['a bad id', forged(['2026-07-01T10:00:00.000Z', 'x'])],
    ['not a date', forged(['soon', ID])],
    ['year 0000', forged(['0000-01-01T00:00:00.000Z', ID])],
    ['the earliest JavaScript date', forged(['-271821-04-20T00:00:00.000Z', ID])],
    ['the latest JavaScript date', forged(['+275760-09-13T00:00:00.000Z', ID])],
  ])('refuse a forged cursor with %s as invalid-cursor', (_what, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(
      expect.objectContaining({ code: 'invalid-cursor', fieldErrors: [expect.objectContaining({ field: 'cursor' })] }),
    );
  });
});
