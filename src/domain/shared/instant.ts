/**
 * The instants the service stores or compares timestamps with: years 0001 to 9999, UTC. Inside it a
 * date has one ISO 8601 spelling (`YYYY-MM-DDTHH:mm:ss.sssZ`) that PostgreSQL's timestamptz reads
 * back as the same instant; outside it JavaScript writes `+275760-…` or year `0000`, which
 * PostgreSQL refuses (it has no year 0 and reads a signed year as a zone), so the query fails.
 */
export const EARLIEST_INSTANT = new Date('0001-01-01T00:00:00.000Z');
export const LATEST_INSTANT = new Date('9999-12-31T23:59:59.999Z');

/** True for a valid date within EARLIEST_INSTANT..LATEST_INSTANT. */
export function isStorableInstant(date: Date): boolean {
  const t = date.getTime();
  return t >= EARLIEST_INSTANT.getTime() && t <= LATEST_INSTANT.getTime();
}

export const STORABLE_INSTANT_RANGE = 'between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z';
