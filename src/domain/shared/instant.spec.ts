import { EARLIEST_INSTANT, isStorableInstant, LATEST_INSTANT } from './instant';

describe('storable instants', () => {
  it.each([
    '0001-01-01T00:00:00.000Z',
    '1970-01-01T00:00:00.000Z',
    '2026-07-01T10:00:00.000Z',
    '9999-12-31T23:59:59.999Z',
  ])('accepts %s, whose ISO spelling PostgreSQL reads back', (iso) => {
    const date = new Date(iso);
    expect(isStorableInstant(date)).toBe(true);
    expect(date.toISOString()).toBe(iso);
  });

  it.each([
    ['year 0000', '0000-01-01T00:00:00.000Z'],
    ['the last millisecond of 1 BC', '0000-12-31T23:59:59.999Z'],
    ['the earliest JavaScript date', '-271821-04-20T00:00:00.000Z'],
    ['the latest JavaScript date', '+275760-09-13T00:00:00.000Z'],
    ['year 10000', '+010000-01-01T00:00:00.000Z'],
  ])('refuses %s', (_what, iso) => {
    expect(isStorableInstant(new Date(iso))).toBe(false);
  });

  it('refuses an invalid date', () => {
    expect(isStorableInstant(new Date('soon'))).toBe(false);
  });

  it('spells its bounds as four-digit years', () => {
    expect([EARLIEST_INSTANT.toISOString(), LATEST_INSTANT.toISOString()]).toEqual([
      '0001-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
    ]);
  });
});
