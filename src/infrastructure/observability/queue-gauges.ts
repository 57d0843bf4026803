import { Queue } from 'bullmq';
import { Gauge } from 'prom-client';
import { Metrics } from './metrics';

/** Queue depths and dead letters, read from Redis when Prometheus scrapes (not kept in memory). */
export function registerQueueGauges(metrics: Metrics, queues: Queue[], deadLetters: Queue): void {
  new Gauge({
    name: 'flexstorage_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [metrics.registry],
    async collect() {
      for (const queue of queues) {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed', 'paused');
        for (const [state, n] of Object.entries(counts)) this.set({ queue: queue.name, state }, n);
      }
    },
  });
  new Gauge({
    name: 'flexstorage_dead_letters',
    help: 'Jobs in the dead-letter queue, by their original queue',
    labelNames: ['queue'] as const,
    registers: [metrics.registry],
    async collect() {
      // Letter ids are `<queue>.<job id>`: counted from the ids alone, without loading any letter.
      const ids = await deadLetters.getRanges(['wait'], 0, -1);
      const byQueue = new Map<string, number>();
      for (const id of ids) {
        const queue = id.slice(0, id.indexOf('.'));
        byQueue.set(queue, (byQueue.get(queue) ?? 0) + 1);
      }
      for (const queue of queues) this.set({ queue: queue.name }, byQueue.get(queue.name) ?? 0);
    },
  });
}
