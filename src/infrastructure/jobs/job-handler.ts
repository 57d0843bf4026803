import { SetMetadata } from '@nestjs/common';
import { QueueName } from './queues';

/** What a running job may use: its abort signal (cancellation, timeout, shutdown) and progress. */
export interface JobContext {
  /** `<queue>.<job id>`, the id the job status API knows it by. */
  ref: string;
  attempt: number;
  /** Fires when the job is cancelled, times out, or the worker shuts down; handlers stop then. */
  signal: AbortSignal;
  /** 0–100; shown by the job status API. */
  progress(percent: number): Promise<void>;
}

/**
 * A job handler: idempotent (a job may run again after a crash or a retry), throws on failure so
 * the queue's retries and dead-lettering apply, and carries no state between jobs.
 */
export interface JobHandler<D = unknown> {
  handle(data: D, context: JobContext): Promise<unknown>;
}

/** A kind of job: declared once beside its feature, used by whoever enqueues it and by its handler. */
export interface JobDeclaration {
  queue: QueueName;
  /** The job name, or '*' for every job of the queue (domain-events jobs are named after their first event). */
  name: string;
}

export const declareJob = <Q extends QueueName, N extends string>(queue: Q, name: N) => ({ queue, name }) as const;

export const JOB_HANDLER = Symbol('JobHandler');
export const JOB_ENQUEUER = Symbol('JobEnqueuer');

/** Marks a provider as the handler of a job; JobRunner finds it and fails the start if a job has none. */
export const HandlesJob = (job: JobDeclaration): ClassDecorator => SetMetadata(JOB_HANDLER, job);

/**
 * Marks a provider as one that adds these jobs to their queues: JobRunner requires a handler for
 * each, so a job nobody would ever run fails the start instead of piling up.
 */
export const EnqueuesJobs = (...jobs: JobDeclaration[]): ClassDecorator => SetMetadata(JOB_ENQUEUER, jobs);

/** A failure that retrying cannot mend (a corrupt image, an unknown job): dead-lettered at once. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

/**
 * Not a failure: the job cannot go on yet (a restore it needs is not ready). It goes back to its
 * queue, delayed until `untilMs`, keeping its id and without using up an attempt; `dataPatch` is
 * merged into its data first, so the next run knows what the last one learnt.
 */
export class JobDeferredError extends Error {
  constructor(
    readonly untilMs: number,
    reason: string,
    readonly dataPatch: Record<string, unknown> = {},
  ) {
    super(reason);
    this.name = 'JobDeferredError';
  }
}
