import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { DelayedError, Job, UnrecoverableError, Worker } from 'bullmq';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RUNTIME, RuntimeSettings } from '../config/runtime';
import { DeadLetters } from './dead-letters';
import { JOB_ENQUEUER, JOB_HANDLER, JobDeclaration, JobDeferredError, JobHandler } from './job-handler';
import { PermanentJobError } from './job-handler';
import { QueueName } from './queues';
import { RecurringJob, recurringJobs } from './recurring-jobs';
import { redisOptionsFromUrl } from './redis.client';
import { PinoLogger } from 'nestjs-pino';
import { Metrics } from '../observability/metrics';

/**
 * The jobs that must have a handler: whatever a provider declares it enqueues (@EnqueuesJobs) and
 * whatever is scheduled. Derived, so a new job or schedule cannot be left off by hand.
 */
export function requiredJobs(enqueued: readonly JobDeclaration[], scheduled: readonly RecurringJob[]) {
  const all = [...enqueued, ...scheduled.map(({ queue, id }) => ({ queue, name: id }))];
  return [...new Map(all.map((job) => [`${job.queue}/${job.name}`, job])).values()];
}

type HandlersByQueue = ReadonlyMap<QueueName, ReadonlyMap<string, unknown>>;

/** The jobs of `required` that no handler takes (a '*' handler takes every job of its queue). */
export function unhandledJobs(required: readonly JobDeclaration[], handlers: HandlersByQueue) {
  return required.filter(({ queue, name }) => !(handlers.get(queue)?.has(name) || handlers.get(queue)?.has('*')));
}

export class JobCancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'JobCancelledError';
  }
}

export class JobTimeoutError extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = 'JobTimeoutError';
  }
}

/** The worker is shutting down: the job goes back to its queue without using up an attempt. */
export class WorkerShutdownError extends Error {
  constructor() {
    super('the worker is shutting down');
    this.name = 'WorkerShutdownError';
  }
}

export const cancelChannel = (prefix: string) => `${prefix}:jobs:cancel`;

/**
 * Runs the workers: one BullMQ Worker per queue with that queue's concurrency, rate limit and
 * timeout, dispatching each job to the handler found by @HandlesJob. A job's signal fires on
 * cancellation (a message on Redis, from whichever instance took the DELETE), on timeout and when
 * the worker shuts down. A job that failed its last attempt goes to the dead-letter queue.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly workers: Worker[] = [];
  private readonly running = new Map<string, AbortController>();
  private shuttingDown = false;
  private subscriber?: Redis;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly deadLetters: DeadLetters,
    private readonly metrics: Metrics,
    private readonly pino: PinoLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RUNTIME) private readonly runtime: RuntimeSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const handlers = this.findHandlers();
    const missing = unhandledJobs(requiredJobs(this.findEnqueued(), recurringJobs(this.config)), handlers);
    if (missing.length) {
      throw new Error(`No handler for job(s): ${missing.map((j) => `${j.queue}/${j.name}`).join(', ')}`);
    }

    this.subscriber = new Redis(redisOptionsFromUrl(this.runtime.redisUrl));
    await this.subscriber.subscribe(cancelChannel(this.config.queuePrefix));
    this.subscriber.on('message', (_channel, ref: string) => this.running.get(ref)?.abort(new JobCancelledError()));

    for (const [queue, byName] of handlers) {
      const settings = this.config.jobs.queues[queue];
      // Each job runs in its own logging context: every line carries its job id and queue.
      const processor = (job: Job, token?: string) =>
        this.pino.runInContext(() => this.measured(queue, job, () => this.run(queue, byName, job, token)), {
          bindings: { jobId: `${queue}.${job.id}`, queue, job: job.name },
        });
      const worker = new Worker(queue, processor, {
        connection: redisOptionsFromUrl(this.runtime.redisUrl),
        prefix: this.config.queuePrefix,
        concurrency: settings.concurrency,
        limiter: settings.rateLimit
          ? { max: settings.rateLimit.max, duration: settings.rateLimit.durationMs }
          : undefined,
        lockDuration: this.config.jobs.lockDurationMs,
        stalledInterval: this.config.jobs.stalledIntervalMs,
        maxStalledCount: 2,
      });
      worker.on('failed', (job, error) => void this.failed(queue, job, error));
      worker.on('error', (error) => this.logger.warn(`worker ${queue}: ${error.message}`));
      this.workers.push(worker);
    }
    // Started means connected: /health counts this instance's workers from the first request on.
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
  }

  async onApplicationShutdown(): Promise<void> {
    // Running jobs are told to stop and handed back to their queues for the next worker; waiting for
    // them would hold a deploy for up to a queue's timeout (half an hour for maintenance).
    // Closing first, so no new fetch starts; a fetch already under way may still bring a job (even
    // the one just handed back), which run() hands back at once.
    this.shuttingDown = true;
    const closing = this.workers.map((w) => w.close().catch(() => undefined));
    for (const controller of this.running.values()) controller.abort(new WorkerShutdownError());
    await Promise.all(closing);
    await this.subscriber?.quit().catch(() => undefined);
  }

  private async measured<T>(queue: QueueName, job: Job, work: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    try {
      const result = await work();
      this.metrics.jobs.inc({ queue, outcome: 'completed' });
      return result;
    } catch (error) {
      if (error instanceof DelayedError) throw error; // handed back (shutdown) or deferred: not an attempt
      const final = (error as Error).name === 'UnrecoverableError' || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      this.metrics.jobs.inc({ queue, outcome: final ? 'failed' : 'retried' });
      // Logged here, inside the job's logging context, so the line carries its job id and queue.
      this.logger.warn(
        `${job.name} failed (attempt ${job.attemptsMade + 1} of ${job.opts.attempts ?? 1}${final ? ', final' : ', will retry'}): ${(error as Error).message}`,
      );
      throw error;
    } finally {
      this.metrics.jobDuration.observe({ queue }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  private async run(queue: QueueName, byName: Map<string, JobHandler>, job: Job, token?: string): Promise<unknown> {
    const handler = byName.get(job.name) ?? byName.get('*');
    if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
    const ref = `${queue}.${job.id}`;
    const timeoutMs = this.config.jobs.queues[queue].timeoutMs;
    const controller = new AbortController();
    this.running.set(ref, controller);
    if (this.shuttingDown) controller.abort(new WorkerShutdownError());
    const timer = setTimeout(() => controller.abort(new JobTimeoutError(timeoutMs)), timeoutMs);
    const stopped = new Promise<never>((_, reject) => {
      if (controller.signal.aborted) return reject(controller.signal.reason);
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    stopped.catch(() => undefined);
    try {
      const work = handler.handle(job.data, {
        ref,
        attempt: job.attemptsMade + 1,
        signal: controller.signal,
        progress: (percent) => job.updateProgress(Math.max(0, Math.min(100, Math.round(percent)))),
      });
      return await Promise.race([work, stopped]);
    } catch (error) {
      if (error instanceof WorkerShutdownError && token) {
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      if (error instanceof JobDeferredError && token) {
        if (Object.keys(error.dataPatch).length) await job.updateData({ ...job.data, ...error.dataPatch });
        await job.moveToDelayed(Math.max(error.untilMs, Date.now()), token);
        throw new DelayedError();
      }
      // Retrying cannot help a cancelled job or a permanent failure: fail it for good now.
      if (error instanceof JobCancelledError || error instanceof PermanentJobError)
        throw new UnrecoverableError(error.message);
      throw error;
    } finally {
      clearTimeout(timer);
      this.running.delete(ref);
    }
  }

  private async failed(queue: QueueName, job: Job | undefined, error: Error): Promise<void> {
    if (!job) return;
    const final = error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!final || error.message === 'cancelled') return;
    await this.deadLetters
      .add(queue, job, error)
      .catch((e: Error) => this.logger.error(`dead-lettering ${queue}.${job.id}: ${e.message}`));
  }

  private findHandlers(): Map<QueueName, Map<string, JobHandler>> {
    const found = new Map<QueueName, Map<string, JobHandler>>();
    for (const wrapper of this.discovery.getProviders()) {
      const meta = wrapper.metatype && this.reflector.get<JobDeclaration | undefined>(JOB_HANDLER, wrapper.metatype);
      if (!meta || !wrapper.instance) continue;
      const byName = found.get(meta.queue) ?? new Map<string, JobHandler>();
      if (byName.has(meta.name)) throw new Error(`Two handlers for job ${meta.queue}/${meta.name}`);
      byName.set(meta.name, wrapper.instance as JobHandler);
      found.set(meta.queue, byName);
    }
    return found;
  }

  private findEnqueued(): JobDeclaration[] {
    return this.discovery.getProviders().flatMap(({ metatype }) => {
      return (metatype && this.reflector.get<JobDeclaration[] | undefined>(JOB_ENQUEUER, metatype)) || [];
    });
  }
}
