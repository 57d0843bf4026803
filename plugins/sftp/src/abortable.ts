/**
 * `work`, or the signal's reason as soon as it aborts, even while `work` waits on something that
 * cannot be cancelled (a request body stuck in an await). `work` is then left to settle on its
 * own, its outcome ignored: it must itself stop acting once the signal has aborted.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  work.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
