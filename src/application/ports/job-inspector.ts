export type JobPriority = 'high' | 'normal' | 'low';

/** What the job status API shows of a background job. */
export interface JobView {
  /** `<queue>.<job id>`. */
  id: string;
  queue: string;
  name: string;
  state: 'waiting' | 'delayed' | 'prioritized' | 'active' | 'completed' | 'failed' | 'waiting-children' | 'unknown';
  /** 0–100. */
  progress: number;
  attemptsMade: number;
  /** Times a worker took it up; more than attemptsMade when a worker died holding it (a stall). */
  attemptsStarted: number;
  stalledCount: number;
  maxAttempts: number;
  /** BullMQ priority: 0 none, lower runs first. */
  priority: number;
  result: unknown;
  failedReason: string | null;
  /** The user the job concerns (from its data), if any; null for system jobs. */
  ownerId: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface QueueCounts {
  queue: string;
  paused: boolean;
  counts: Record<string, number>;
}

export interface DeadLetterView {
  id: string;
  queue: string;
  name: string;
  jobId: string;
  data: unknown;
  failedReason: string;
  attemptsMade: number;
  failedAt: Date;
}

/** Port: looks at and steers background jobs (BullMQ behind it). */
export interface JobInspector {
  find(ref: string): Promise<JobView | null>;
  /** A waiting or delayed job is removed; an active one is signalled to stop. */
  cancel(ref: string): Promise<'removed' | 'signalled' | 'already-finished'>;
  counts(): Promise<QueueCounts[]>;
  /** Throws UnknownQueueError. */
  setPaused(queue: string, paused: boolean): Promise<QueueCounts>;
  deadLetters(limit: number, offset: number): Promise<{ total: number; items: DeadLetterView[] }>;
  /**
   * Re-enqueues the job on its own queue (a fresh attempt count); answers the new job's ref. Null: no such dead letter.
   */
  retryDeadLetter(id: string): Promise<string | null>;
  discardDeadLetter(id: string): Promise<boolean>;
  /** Adds a job (diagnostics: checks that workers run); answers its ref. High priority runs first. */
  enqueue(queue: string, name: string, data: Record<string, unknown>, priority?: JobPriority): Promise<string>;
}
export const JOB_INSPECTOR = Symbol('JobInspector');
