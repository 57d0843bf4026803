import { EnvReader } from '../env-reader';

export interface RetrievalConfig {
  /** Days a restored copy stays readable unless the request asks otherwise. */
  defaultDays: number;
  /** First poll and base interval per tier; the interval grows ×1.5 per poll up to 4×. */
  pollMs: { expedited: number; standard: number; bulk: number };
  /** A restore still unfinished after this many times the tier's longest typical wait is failed. */
  giveUpFactor: number;
  /** How often overdue checks are re-scheduled (polls lost with Redis). */
  sweepIntervalMs: number;
}

export function readRetrievalConfig(env: EnvReader): RetrievalConfig {
  return {
    defaultDays: env.integer('RETRIEVAL_DAYS', 7, 1, 365),
    pollMs: {
      expedited: env.integer('RETRIEVAL_POLL_EXPEDITED_MS', 60_000, 10, 86_400_000),
      standard: env.integer('RETRIEVAL_POLL_STANDARD_MS', 15 * 60_000, 10, 86_400_000),
      bulk: env.integer('RETRIEVAL_POLL_BULK_MS', 60 * 60_000, 10, 86_400_000),
    },
    giveUpFactor: env.number('RETRIEVAL_GIVE_UP_FACTOR', 4, 1e-9, 1000),
    sweepIntervalMs: env.integer('RETRIEVAL_SWEEP_INTERVAL_MS', 60_000, 100, 86_400_000),
  };
}
