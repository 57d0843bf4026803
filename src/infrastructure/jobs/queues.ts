/** Queue names by concern. Later work adds retrieval, redundancy, media and webhooks. */
export const QUEUES = {
  domainEvents: 'domain-events',
  maintenance: 'maintenance',
} as const;

export const JOBS = {
  outboxRelay: 'outbox-relay',
  uploadSweep: 'upload-sweep',
} as const;
