import { EnvReader } from '../env-reader';

export interface QueueConfig {
  concurrency: number;
  /** At most `max` jobs per `durationMs` on this queue (all workers together); null: no limit. */
  rateLimit: { max: number; durationMs: number } | null;
  /** A job running longer is aborted (its signal fires) and counts as a failed attempt. */
  timeoutMs: number;
  attempts: number;
  /** First retry delay; each next one doubles; jitter draws it from 50–100 % of that. */
  backoffMs: number;
}

export interface JobsConfig {
  queues: Record<string, QueueConfig>;
  /** How long a worker's lock on a job lasts without renewal: a killed worker's job is picked up after it. */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** Soft-deleted files are purged (row and bytes) this long after deletion. */
  deletedRetentionDays: number;
  /** Webhook delivery-log rows are kept this long. */
  webhookDeliveryRetentionDays: number;
  /** Recurring jobs: `every:<ms>` or a cron expression, by job name. */
  schedules: Record<string, string>;
}

type QueueDefaults = Omit<QueueConfig, 'rateLimit'> & { rateLimit?: { max: number; durationMs: number } };

/** Per-queue defaults; each can be changed with JOBS_<QUEUE>_CONCURRENCY, _RATE_MAX, _RATE_MS, _TIMEOUT_MS, … */
const QUEUE_DEFAULTS: Record<string, QueueDefaults> = {
  'domain-events': { concurrency: 32, timeoutMs: 60_000, attempts: 8, backoffMs: 1_000 },
  maintenance: { concurrency: 1, timeoutMs: 30 * 60_000, attempts: 3, backoffMs: 5_000 },
  retrieval: { concurrency: 8, timeoutMs: 60_000, attempts: 1, backoffMs: 5_000 },
  media: { concurrency: 2, timeoutMs: 5 * 60_000, attempts: 3, backoffMs: 5_000 },
  webhooks: { concurrency: 16, timeoutMs: 30_000, attempts: 8, backoffMs: 10_000 },
  relocation: { concurrency: 2, timeoutMs: 60 * 60_000, attempts: 5, backoffMs: 30_000 },
  diagnostics: { concurrency: 64, timeoutMs: 10 * 60_000, attempts: 3, backoffMs: 1_000 },
};

const SCHEDULE_DEFAULTS: Record<string, string> = {
  'purge-deleted-files': '0 3 * * *',
  'quota-recount': '15 * * * *',
  'prune-webhook-deliveries': '45 3 * * *',
};

/** `domain-events` → `DOMAIN_EVENTS`, as the queue or job appears in variable names. */
const envName = (name: string) => name.toUpperCase().replace(/-/g, '_');
const scheduleKey = (job: string) => `SCHEDULE_${envName(job)}`;

export interface WorkersConfig {
  /** Run BullMQ workers in the API process. */
  runWorkers: boolean;
  queuePrefix: string;
  jobs: JobsConfig;
}

export function readJobsConfig(env: EnvReader): WorkersConfig {
  const queues = Object.entries(QUEUE_DEFAULTS).map(([name, defaults]): [string, QueueConfig] => [
    name,
    readQueue(env.section(`JOBS_${envName(name)}_`), defaults),
  ]);
  const schedules = Object.entries(SCHEDULE_DEFAULTS).map(([job, d]): [string, string] => [
    job,
    env.string(scheduleKey(job), d),
  ]);
  const jobs: JobsConfig = {
    queues: Object.fromEntries(queues),
    lockDurationMs: env.integer('JOBS_LOCK_DURATION_MS', 30_000, 500, 600_000),
    stalledIntervalMs: env.integer('JOBS_STALLED_INTERVAL_MS', 30_000, 500, 600_000),
    deletedRetentionDays: env.integer('DELETED_RETENTION_DAYS', 30, 0, 3650),
    webhookDeliveryRetentionDays: env.integer('WEBHOOK_DELIVERY_RETENTION_DAYS', 30, 0, 3650),
    schedules: Object.fromEntries(schedules),
  };
  for (const [job, schedule] of Object.entries(jobs.schedules)) {
    if (!/^every:\d+$/.test(schedule) && !/^\S+( \S+){4,5}$/.test(schedule)) {
      const expected = 'a cron expression (5 or 6 fields) or every:<ms>';
      env.problem(`${env.name(scheduleKey(job))} must be ${expected}, got "${schedule}"`);
    }
  }
  return { runWorkers: env.boolean('RUN_WORKERS', true), queuePrefix: env.string('QUEUE_PREFIX', 'flexstorage'), jobs };
}

function readQueue(env: EnvReader, d: QueueDefaults): QueueConfig {
  const max = env.integer('RATE_MAX', d.rateLimit?.max ?? 0, 0, 1_000_000);
  const rateDurationMs = () => env.integer('RATE_MS', d.rateLimit?.durationMs ?? 1000, 1, 86_400_000);
  return {
    concurrency: env.integer('CONCURRENCY', d.concurrency, 1, 1000),
    rateLimit: max > 0 ? { max, durationMs: rateDurationMs() } : null,
    timeoutMs: env.integer('TIMEOUT_MS', d.timeoutMs, 10, 86_400_000),
    attempts: env.integer('ATTEMPTS', d.attempts, 1, 100),
    backoffMs: env.integer('BACKOFF_MS', d.backoffMs, 1, 86_400_000),
  };
}
