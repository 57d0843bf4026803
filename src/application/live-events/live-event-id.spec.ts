import { canResumeFrom, compareLiveEventIds, parseLiveEventId } from './live-event-id';

describe('live event ids', () => {
  it('reads a stream entry id, in canonical form', () => {
    expect(parseLiveEventId('1718000000000-0')).toBe('1718000000000-0');
    expect(parseLiveEventId('0017-03')).toBe('17-3');
    expect(parseLiveEventId('18446744073709551615-18446744073709551615')).toBe(
      '18446744073709551615-18446744073709551615',
    );
  });

  it('refuses anything else', () => {
    for (const raw of [
      '',
      '1718000000000',
      '-1',
      '1-',
      'a-b',
      '1-2-3',
      ' 1-2',
      '1-2 ',
      '0196f000-0000-7000-8000-00000000e001',
      '18446744073709551616-0',
      '1-18446744073709551616',
      '123456789012345678901-0',
    ]) {
      expect([raw, parseLiveEventId(raw)]).toEqual([raw, undefined]);
    }
  });

  it('orders by time, then sequence, numerically', () => {
    expect(compareLiveEventIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareLiveEventIds('10-9', '10-10')).toBeLessThan(0);
    expect(compareLiveEventIds('10-10', '10-9')).toBeGreaterThan(0);
    expect(compareLiveEventIds('10-1', '10-1')).toBe(0);
    expect(compareLiveEventIds('18446744073709551615-1', '18446744073709551615-0')).toBeGreaterThan(0);
  });

  describe('resuming', () => {
    const log = { first: '100-0', last: '200-3' };

    it('resumes from any position the log still holds, up to its newest entry', () => {
      for (const after of ['100-0', '150-0', '200-2', '200-3'])
        expect([after, canResumeFrom(after, log)]).toEqual([after, true]);
    });

    it('does not resume from before the oldest kept entry: what followed it may be trimmed', () => {
      expect(canResumeFrom('99-7', log)).toBe(false);
    });

    it('does not resume from past the newest id: that position belongs to a log that is gone', () => {
      expect(canResumeFrom('200-4', log)).toBe(false);
      expect(canResumeFrom('300-0', log)).toBe(false);
    });

    it('resumes an empty log only from its newest id', () => {
      expect(canResumeFrom('200-3', { last: '200-3' })).toBe(true);
      expect(canResumeFrom('200-2', { last: '200-3' })).toBe(false);
    });
  });
});
