/** Queue names by concern; each has its own settings. The jobs on them are declared beside their features. */
export const QUEUES = {
  domainEvents: 'domain-events',
  maintenance: 'maintenance',
  retrieval: 'retrieval',
  media: 'media',
  webhooks: 'webhooks',
  relocation: 'relocation',
  /** Ops tools: no-op and sleep jobs to check that workers run (and for the jobs bench). */
  diagnostics: 'diagnostics',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const QUEUE_NAMES = Object.values(QUEUES) as QueueName[];

/** Jobs that failed their last attempt, with why; no worker reads it (admins retry or discard). */
export const DEAD_LETTER_QUEUE = 'dead-letters';

/** BullMQ priorities (lower runs first); jobs without one run before prioritised ones. */
export const JOB_PRIORITY = { high: 1, normal: 5, low: 10 } as const;
