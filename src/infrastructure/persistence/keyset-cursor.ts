import { isStorableInstant, isUuid, ValidationError } from '../../domain/shared';

/**
 * Opaque cursors for keyset pagination over (created_at, id): what the last row of a page was, so
 * the next page starts after it. A cursor this server did not issue is a client error (400).
 */
export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

export function decodeCursor(cursor: string): [Date, string] {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(createdAt);
    // A forged date PostgreSQL cannot read (year 0, +275760) would fail the query: it is a bad cursor.
    if (!isStorableInstant(date) || typeof id !== 'string' || !isUuid(id)) throw new Error();
    return [date, id];
  } catch {
    throw new ValidationError('The cursor is not one this server issued.', {
      code: 'invalid-cursor',
      fieldErrors: [{ field: 'cursor', message: 'use the nextCursor of a previous page' }],
    });
  }
}
