type NotYet = undefined | null | false;

/**
 * Polls `probe` until it answers something truthy and resolves to that answer, as a client
 * polling the API would; throws `timed out waiting for <what>` once `timeoutMs` has passed.
 * A probe that throws fails at once: only "not yet" is retried.
 */
export async function until<T>(
  probe: () => T | NotYet | Promise<T | NotYet>,
  what: string,
  timeoutMs = 10_000,
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits `ms` milliseconds: for what a test cannot poll for (that something does not happen). */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
