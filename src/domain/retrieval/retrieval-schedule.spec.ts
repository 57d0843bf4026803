import { RetrievalTier } from '../storage';
import { RetrievalSchedule, RetrievalScheduleSettings } from './retrieval-schedule';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = new Date('2026-03-01T00:00:00.000Z');

/** Bases chosen distinct per tier, so a mix-up between tiers shows. */
const SETTINGS: RetrievalScheduleSettings = {
  pollMs: { expedited: MINUTE, standard: 20 * MINUTE, bulk: HOUR },
  giveUpFactor: 3,
};

function schedule(overrides: Partial<RetrievalScheduleSettings> = {}): RetrievalSchedule {
  return new RetrievalSchedule({ ...SETTINGS, ...overrides });
}

function at(ms: number): Date {
  return new Date(T0.getTime() + ms);
}

describe('RetrievalSchedule', () => {
  describe('nextDelayMs', () => {
    it("waits the tier's base before the first re-check", () => {
      expect(schedule().nextDelayMs('standard', 0)).toBe(20 * MINUTE);
    });

    it('stretches each wait ×1.5 the last', () => {
      const s = schedule();
      expect([0, 1, 2, 3].map((checks) => s.nextDelayMs('standard', checks))).toEqual([
        20 * MINUTE,
        30 * MINUTE,
        45 * MINUTE,
        67.5 * MINUTE,
      ]);
    });

    it('caps the wait at 4× the base, however many checks were made', () => {
      const s = schedule();
      // 1.5^4 = 5.06 is the first stretch past the cap.
      expect(s.nextDelayMs('standard', 4)).toBe(80 * MINUTE);
      expect(s.nextDelayMs('standard', 10)).toBe(80 * MINUTE);
      expect(s.nextDelayMs('standard', 1_000)).toBe(80 * MINUTE);
    });

    it('never waits less than before as checks accumulate', () => {
      const s = schedule();
      const delays = Array.from({ length: 12 }, (_, checks) => s.nextDelayMs('bulk', checks));
      for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]);
      expect(delays[delays.length - 1]).toBe(4 * HOUR);
    });

    it.each<[RetrievalTier, number]>([
      ['expedited', MINUTE],
      ['standard', 20 * MINUTE],
      ['bulk', HOUR],
    ])('starts %s polls at its own configured base and caps them at 4× it', (tier, base) => {
      const s = schedule();
      expect(s.nextDelayMs(tier, 0)).toBe(base);
      expect(s.nextDelayMs(tier, 1)).toBe(1.5 * base);
      expect(s.nextDelayMs(tier, 20)).toBe(4 * base);
    });

    it('follows the configured bases, not built-in ones', () => {
      const s = schedule({ pollMs: { expedited: 10_000, standard: 10_000, bulk: 10_000 } });
      expect(s.nextDelayMs('expedited', 0)).toBe(10_000);
      expect(s.nextDelayMs('bulk', 0)).toBe(10_000);
    });

    it('rounds stretched waits to whole milliseconds', () => {
      const s = schedule({ pollMs: { expedited: 1_001, standard: 1_001, bulk: 1_001 } });
      expect(s.nextDelayMs('expedited', 1)).toBe(1_502); // 1501.5
      expect(s.nextDelayMs('expedited', 2)).toBe(2_252); // 2252.25
      expect(Number.isInteger(s.nextDelayMs('expedited', 3))).toBe(true);
    });
  });

  describe('estimatedReadyAt', () => {
    it("adds the provider's typical minutes for the tier", () => {
      expect(schedule().estimatedReadyAt('standard', 300, T0)).toEqual(new Date('2026-03-01T05:00:00.000Z'));
    });

    it.each<[RetrievalTier, string]>([
      ['expedited', '2026-03-01T00:05:00.000Z'],
      ['standard', '2026-03-01T12:00:00.000Z'],
      ['bulk', '2026-03-03T00:00:00.000Z'],
    ])('falls back to the default wait for %s when the provider states none', (tier, expected) => {
      expect(schedule().estimatedReadyAt(tier, undefined, T0)).toEqual(new Date(expected));
    });

    it('takes a stated wait of 0 minutes at its word (ready at once), not as unstated', () => {
      expect(schedule().estimatedReadyAt('bulk', 0, T0)).toEqual(T0);
    });

    it('does not depend on the poll settings', () => {
      const a = schedule().estimatedReadyAt('bulk', undefined, T0);
      const b = schedule({ pollMs: { expedited: 1, standard: 1, bulk: 1 }, giveUpFactor: 100 }).estimatedReadyAt(
        'bulk',
        undefined,
        T0,
      );
      expect(b).toEqual(a);
    });
  });

  describe('giveUpAt', () => {
    it("gives up after the provider's typical wait times the factor", () => {
      // 5 h × 3
      expect(schedule().giveUpAt('standard', 300, T0)).toEqual(at(15 * HOUR));
    });

    it.each<[RetrievalTier, number]>([
      ['expedited', 5 * MINUTE * 3],
      ['standard', 12 * HOUR * 3],
      ['bulk', 48 * HOUR * 3],
    ])('uses the default wait for %s when the provider states none', (tier, wait) => {
      expect(schedule().giveUpAt(tier, undefined, T0)).toEqual(at(wait));
    });

    it('counts from when the retrieval was requested', () => {
      const requestedAt = new Date('2026-06-15T08:30:00.000Z');
      expect(schedule().giveUpAt('standard', 300, requestedAt)).toEqual(new Date('2026-06-15T23:30:00.000Z'));
    });

    it('accepts a fractional factor', () => {
      expect(schedule({ giveUpFactor: 1.5 }).giveUpAt('standard', 60, T0)).toEqual(at(90 * MINUTE));
    });

    it('never gives up sooner than two base polls after the request', () => {
      // 5 min × 3 = 15 min, but two expedited polls of 10 min are 20 min.
      const s = schedule({ pollMs: { ...SETTINGS.pollMs, expedited: 10 * MINUTE } });
      expect(s.giveUpAt('expedited', undefined, T0)).toEqual(at(20 * MINUTE));
    });

    it('gives up at exactly two base polls when the typical wait times the factor is just that', () => {
      // 20 min × 2 = 40 min = 2 × the 20 min standard base.
      expect(schedule({ giveUpFactor: 2 }).giveUpAt('standard', 20, T0)).toEqual(at(40 * MINUTE));
    });

    it('falls back to two base polls when the provider states a wait of 0 minutes', () => {
      expect(schedule().giveUpAt('bulk', 0, T0)).toEqual(at(2 * HOUR));
    });

    it("uses the floor of the tier asked for, not another tier's", () => {
      const s = schedule({ giveUpFactor: 0.0001 });
      expect(s.giveUpAt('expedited', 1, T0)).toEqual(at(2 * MINUTE));
      expect(s.giveUpAt('standard', 1, T0)).toEqual(at(40 * MINUTE));
      expect(s.giveUpAt('bulk', 1, T0)).toEqual(at(2 * HOUR));
    });

    it('leaves room for the estimate itself whenever the factor is at least 1', () => {
      const s = schedule({ giveUpFactor: 1 });
      for (const tier of ['expedited', 'standard', 'bulk'] as const) {
        expect(s.giveUpAt(tier, undefined, T0).getTime()).toBeGreaterThanOrEqual(
          s.estimatedReadyAt(tier, undefined, T0).getTime(),
        );
      }
    });
  });
});
