import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { QUEUE_NAMES, QueueName } from './queues';

export interface QueueHealth {
  healthy: boolean;
  /** Worth knowing but not this instance's failure (an API-only instance sees no workers elsewhere). */
  warnings: string[];
  queues: Record<string, { workers: number; waiting: number; active: number; stuck: number }>;
  problems: string[];
}

/**
 * Whether background work is being done: every queue with jobs has a live worker (on any instance;
 * BullMQ workers register their Redis connections), and no job has been active far longer than its
 * queue's timeout allows (a worker hung, not dead: a dead one's job stalls back to the queue).
 */
@Injectable()
export class QueueHealthCheck {
  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async check(): Promise<QueueHealth> {
    const result: QueueHealth = { healthy: true, queues: {}, problems: [], warnings: [] };
    const now = Date.now();
    await Promise.all(
      QUEUE_NAMES.map(async (name: QueueName) => {
        const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
        const [workers, counts, active] = await Promise.all([
          queue.getWorkersCount(),
          queue.getJobCounts('waiting', 'active'),
          queue.getActive(0, 99),
        ]);
        const limit = this.config.jobs.queues[name].timeoutMs + this.config.jobs.lockDurationMs + 60_000;
        const stuck = active.filter((j) => j.processedOn && now - j.processedOn > limit).length;
        result.queues[name] = { workers, waiting: counts.waiting, active: counts.active, stuck };
        // This instance runs workers: then one missing means they died here. Without (RUN_WORKERS=false)
        // workers live elsewhere, and their absence is reported without failing this instance.
        if (workers === 0)
          (this.config.runWorkers ? result.problems : result.warnings).push(`no worker is running for queue ${name}`);
        if (stuck > 0)
          result.problems.push(`${stuck} job(s) of queue ${name} active for longer than ${Math.round(limit / 1000)} s`);
      }),
    );
    result.healthy = result.problems.length === 0;
    return result;
  }
}
