/** Queue names by concern. Later work adds redundancy, media and webhooks. */
export const QUEUES = {
  domainEvents: 'domain-events',
  maintenance: 'maintenance',
  retrieval: 'retrieval',
} as const;

export const JOBS = {
  outboxRelay: 'outbox-relay',
  uploadSweep: 'upload-sweep',
  retrievalSweep: 'retrieval-sweep',
  retrievalCheck: 'retrieval-check',
} as const;
