import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Job, Queue } from 'bullmq';
import { DeadLetterView, JobInspector, JobPriority, JobView, QueueCounts } from '../../application/ports';
import { DomainError } from '../../domain/shared';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DeadLetterData, DeadLetters } from './dead-letters';
import { NOOP_JOB } from './diagnostics/noop.job';
import { SLEEP_JOB } from './diagnostics/sleep.job';
import { EnqueuesJobs } from './job-handler';
import { cancelChannel } from './job-runner';
import { JOB_PRIORITY, QUEUE_NAMES, QueueName } from './queues';
import { REDIS_CLIENT, ManagedRedis } from './redis.client';

export class UnknownQueueError extends DomainError {
  readonly kind = 'not-found' as const;
  readonly code = 'queue-not-found';
  constructor(name: string) {
    super(`There is no queue "${name}" (queues: ${QUEUE_NAMES.join(', ')}).`);
  }
}

const STATES = [
  'waiting',
  'delayed',
  'prioritized',
  'active',
  'completed',
  'failed',
  'paused',
  'waiting-children',
] as const;

/** The JobInspector port over BullMQ's queues; a job's ref is `<queue>.<job id>`. */
// Its enqueue is for the diagnostics endpoint (noop and sleep only); dead letters go back as they came.
@Injectable()
@EnqueuesJobs(NOOP_JOB, SLEEP_JOB)
export class BullJobInspector implements JobInspector {
  private readonly queues: Map<QueueName, Queue>;

  constructor(
    moduleRef: ModuleRef,
    private readonly deadLetterQueue: DeadLetters,
    @Inject(REDIS_CLIENT) private readonly redis: ManagedRedis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.queues = new Map(QUEUE_NAMES.map((q) => [q, moduleRef.get<Queue>(getQueueToken(q), { strict: false })]));
  }

  async find(ref: string): Promise<JobView | null> {
    // The state and the job's fields are two reads: a job finishing in between would be reported
    // finished with its running attempt's fields. Read until both tell the same story.
    for (let i = 0; ; i++) {
      const first = await this.load(ref);
      if (!first) return null;
      const state = await first.getState();
      const job = (await this.load(ref)) ?? first;
      const finished = state === 'completed' || state === 'failed';
      if (finished === !!job.finishedOn || i >= 3) return this.view(job, state);
    }
  }

  async cancel(ref: string): Promise<'removed' | 'signalled' | 'already-finished'> {
    const job = await this.load(ref);
    if (!job) return 'already-finished';
    const state = await job.getState();
    if (state === 'active') {
      await this.redis.publish(cancelChannel(this.config.queuePrefix), ref);
      return 'signalled';
    }
    if (state === 'completed' || state === 'failed') return 'already-finished';
    await job.remove().catch(() => undefined); // taken by a worker meanwhile: it runs to its end
    return (await this.load(ref)) ? 'already-finished' : 'removed';
  }

  async counts(): Promise<QueueCounts[]> {
    return Promise.all([...this.queues.keys()].map((q) => this.countsOf(q)));
  }

  async setPaused(name: string, paused: boolean): Promise<QueueCounts> {
    const queue = this.queues.get(name as QueueName);
    if (!queue) throw new UnknownQueueError(name);
    await (paused ? queue.pause() : queue.resume());
    return this.countsOf(name as QueueName);
  }

  async deadLetters(limit: number, offset: number): Promise<{ total: number; items: DeadLetterView[] }> {
    const queue = this.deadLetterQueue.queue;
    const [total, jobs] = await Promise.all([
      queue.getWaitingCount(),
      queue.getJobs(['waiting'], offset, offset + limit - 1, false),
    ]);
    return { total, items: jobs.filter(Boolean).map((j) => letterView(j)) };
  }

  async retryDeadLetter(id: string): Promise<string | null> {
    const letter = await this.deadLetterQueue.queue.getJob(id);
    const queue = letter && this.queues.get(letter.data.queue as QueueName);
    if (!letter || !queue) return null;
    // A fresh job (new id, attempts counted anew) with the same name and data; then the letter goes.
    const job = await queue.add(letter.data.name, letter.data.data, { priority: letter.data.opts.priority });
    await letter.remove();
    return `${queue.name}.${job.id}`;
  }

  async discardDeadLetter(id: string): Promise<boolean> {
    const letter = await this.deadLetterQueue.queue.getJob(id);
    if (!letter) return false;
    await letter.remove();
    return true;
  }

  async enqueue(name: string, jobName: string, data: Record<string, unknown>, priority?: JobPriority): Promise<string> {
    const queue = this.queues.get(name as QueueName);
    if (!queue) throw new UnknownQueueError(name);
    const job = await queue.add(jobName, data, priority ? { priority: JOB_PRIORITY[priority] } : {});
    return `${name}.${job.id}`;
  }

  private async countsOf(name: QueueName): Promise<QueueCounts> {
    const queue = this.queues.get(name)!;
    const [counts, paused] = await Promise.all([queue.getJobCounts(...STATES), queue.isPaused()]);
    return { queue: name, paused, counts };
  }

  private async load(ref: string): Promise<Job | null> {
    const dot = ref.indexOf('.');
    const queue = dot > 0 ? this.queues.get(ref.slice(0, dot) as QueueName) : undefined;
    const id = ref.slice(dot + 1);
    if (!queue || !id || id.length > 256) return null;
    return (await queue.getJob(id)) ?? null;
  }

  private view(job: Job, state: JobView['state']): JobView {
    const data = (job.data ?? {}) as { ownerId?: unknown };
    return {
      id: `${job.queueName}.${job.id}`,
      queue: job.queueName,
      name: job.name,
      state,
      progress: typeof job.progress === 'number' ? job.progress : 0,
      attemptsMade: job.attemptsMade,
      attemptsStarted: job.attemptsStarted ?? 0,
      stalledCount: job.stalledCounter ?? 0,
      maxAttempts: job.opts.attempts ?? 1,
      priority: job.opts.priority ?? 0,
      result: job.returnvalue ?? null,
      // A job that failed an attempt and then succeeded keeps BullMQ's old reason: not a failure now.
      failedReason: state === 'failed' ? job.failedReason || null : null,
      ownerId: typeof data.ownerId === 'string' ? data.ownerId : null,
      createdAt: new Date(job.timestamp),
      startedAt: job.processedOn ? new Date(job.processedOn) : null,
      finishedAt: job.finishedOn ? new Date(job.finishedOn) : null,
    };
  }
}

function letterView(job: Job<DeadLetterData>): DeadLetterView {
  const d = job.data;
  return {
    id: String(job.id),
    queue: d.queue,
    name: d.name,
    jobId: d.jobId,
    data: d.data,
    failedReason: d.failedReason,
    attemptsMade: d.attemptsMade,
    failedAt: new Date(d.failedAt),
  };
}
