import { DomainError } from '../../domain/shared';
import { Clock } from '../ports';

export class CompletionPendingError extends DomainError {
  readonly kind = 'unavailable' as const;
  readonly code = 'upload-completion-pending';
  constructor(
    id: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`Every byte of upload ${id} is here, but its file could not be made yet; retry in ${retryAfterSeconds} s.`);
  }
}

const FIRST_BACKOFF_MS = 5_000;
const MAX_BACKOFF_MS = 5 * 60_000;

export interface CompletionFailure {
  until: number;
  pauseMs: number;
}

/**
 * After a failed completion, a growing pause during which asking again answers 503 at once instead
 * of streaming the whole file into a provider once more (kept in memory, for at most 10 000 uploads).
 */
export class CompletionBackoff {
  private readonly failures = new Map<string, CompletionFailure>();

  constructor(private readonly clock: Clock) {}

  /** Throws CompletionPendingError within the pause; answers the last failure (what the next pause grows from). */
  check(id: string): CompletionFailure | undefined {
    const failed = this.failures.get(id);
    const now = this.clock.now().getTime();
    if (failed && now < failed.until) throw new CompletionPendingError(id, Math.ceil((failed.until - now) / 1000));
    return failed;
  }

  succeeded(id: string): void {
    this.failures.delete(id);
  }

  failed(id: string, previous: CompletionFailure | undefined): void {
    const pauseMs = Math.min(MAX_BACKOFF_MS, previous ? previous.pauseMs * 2 : FIRST_BACKOFF_MS);
    this.failures.set(id, { until: this.clock.now().getTime() + pauseMs, pauseMs });
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value!);
  }
}
