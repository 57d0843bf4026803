/** Queue names by concern; each has its own settings (job-settings.ts). */
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

export const JOBS = {
  outboxRelay: 'outbox-relay',
  uploadSweep: 'upload-sweep',
  retrievalSweep: 'retrieval-sweep',
  retrievalCheck: 'retrieval-check',
  purgeDeletedFiles: 'purge-deleted-files',
  quotaRecount: 'quota-recount',
  pruneWebhookDeliveries: 'prune-webhook-deliveries',
  relocateFile: 'relocate-file',
  relocateProvider: 'relocate-provider',
  deleteGivenUpCopies: 'delete-given-up-copies',
  webhookDelivery: 'webhook-delivery',
  thumbnails: 'thumbnails',
  noop: 'noop',
  sleep: 'sleep',
} as const;

/** BullMQ priorities (lower runs first); jobs without one run before prioritised ones. */
export const JOB_PRIORITY = { high: 1, normal: 5, low: 10 } as const;
