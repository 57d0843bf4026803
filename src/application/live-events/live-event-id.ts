/**
 * A live event's SSE id is its entry id in the user's Redis Stream, `<ms>-<seq>`: monotonic per
 * user, so the Last-Event-ID a client sends back says exactly where it stopped.
 */
const STREAM_ID = /^(\d{1,20})-(\d{1,20})$/;
const MAX_PART = 2n ** 64n - 1n;

/** The id in Redis's canonical form, or undefined when it is not a stream entry id. */
export function parseLiveEventId(raw: string): string | undefined {
  const match = STREAM_ID.exec(raw);
  if (!match) return undefined;
  const [ms, seq] = [BigInt(match[1]), BigInt(match[2])];
  return ms > MAX_PART || seq > MAX_PART ? undefined : `${ms}-${seq}`;
}

/** Negative, zero or positive as `a` comes before, is, or comes after `b` (both canonical). */
export function compareLiveEventIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

/**
 * What the user's log looks like when a client asks to resume: its oldest kept entry (none when empty) and the newest
 * id it ever gave.
 */
export interface LiveLogBounds {
  first?: string;
  last: string;
}

/**
 * Whether every event after `after` is still in the log. Trimming drops the oldest entries, so a
 * position before the oldest kept one may have lost events after it (a client that saw exactly the
 * last trimmed entry re-syncs needlessly: the price of `MAXLEN ~`). A position past the newest id
 * belongs to a log that is gone (expired, flushed, another deployment).
 */
export function canResumeFrom(after: string, log: LiveLogBounds): boolean {
  if (compareLiveEventIds(after, log.last) > 0) return false;
  if (log.first === undefined) return compareLiveEventIds(after, log.last) === 0;
  return compareLiveEventIds(after, log.first) >= 0;
}
