import { AppConfig } from '../config/app-config';
import { declareJob } from './job-handler';
import { requiredJobs, unhandledJobs } from './job-runner';
import { QueueName } from './queues';
import { recurringJobs } from './recurring-jobs';

const handlers = (...pairs: [QueueName, string][]) => {
  const byQueue = new Map<QueueName, Map<string, unknown>>();
  for (const [queue, name] of pairs) byQueue.set(queue, (byQueue.get(queue) ?? new Map()).set(name, {}));
  return byQueue;
};

describe('the jobs that must have a handler', () => {
  const config = {
    outboxRelayIntervalMs: 1000,
    uploads: { sweepIntervalMs: 60_000 },
    retrieval: { sweepIntervalMs: 60_000 },
    jobs: {
      schedules: {
        'purge-deleted-files': '0 3 * * *',
        'quota-recount': '15 * * * *',
        'prune-webhook-deliveries': '45 3 * * *',
      },
    },
  } as unknown as AppConfig;
  const scheduled = recurringJobs(config);

  it('are what providers enqueue and what is scheduled, each once', () => {
    const enqueued = [declareJob('retrieval', 'retrieval-check'), declareJob('maintenance', 'outbox-relay')];
    const required = requiredJobs(enqueued, scheduled);
    expect(required.map((j) => `${j.queue}/${j.name}`).sort()).toEqual([
      'maintenance/outbox-relay',
      'maintenance/prune-webhook-deliveries',
      'maintenance/purge-deleted-files',
      'maintenance/quota-recount',
      'maintenance/retrieval-sweep',
      'maintenance/upload-sweep',
      'retrieval/retrieval-check',
    ]);
  });

  it('name an enqueued job nobody handles; a queue-wide handler handles every job of its queue', () => {
    const enqueued = [declareJob('media', 'thumbnails'), declareJob('domain-events', 'file.uploaded')];
    const required = requiredJobs(enqueued, []);
    expect(unhandledJobs(required, handlers(['domain-events', '*']))).toEqual([{ queue: 'media', name: 'thumbnails' }]);
    expect(unhandledJobs(required, handlers(['domain-events', '*'], ['media', 'thumbnails']))).toEqual([]);
  });

  it('include a scheduled job without a handler', () => {
    const missing = unhandledJobs(requiredJobs([], scheduled), handlers(['maintenance', 'outbox-relay']));
    expect(missing.map((j) => j.name)).toContain('upload-sweep');
  });
});
