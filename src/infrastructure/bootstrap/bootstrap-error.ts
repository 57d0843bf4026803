/**
 * A start-up problem the operator can fix (no database, Redis missing, data directory in use).
 * main.ts prints only the message: it already says what happened and what to do.
 */
export class BootstrapError extends Error {
  override readonly name = 'BootstrapError';
}

/** The URL as it may be logged: the password, if any, replaced by ***. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
