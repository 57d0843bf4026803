const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID in any letter case (as a client may send one in a URL). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * The one spelling of a UUID the server uses for keys, locks and paths (lowercase): `ABC…` and
 * `abc…` are the same id to PostgreSQL, so anything keyed by the raw string would see two.
 */
export function canonicalUuid(value: string): string | null {
  return UUID.test(value) ? value.toLowerCase() : null;
}
