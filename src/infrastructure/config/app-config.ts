import * as path from 'node:path';
import { DEFAULT_MAX_FILE_SIZE } from '../../domain/files';
import { SelectionRule } from '../../domain/storage';
import { assertAcceptablePassword, Email } from '../../domain/auth';
import { parseSecretKeys, SecretKey } from './secret-keys';

/**
 * Every setting the service reads, parsed and validated once at start. A bad value stops the
 * process with one message naming every problem, instead of failing later mid-request.
 */
export interface AppConfig {
  nodeEnv: string;
  port: number;
  host: string;
  /** Undefined: resolved at start (localhost:5432, else embedded PostgreSQL). */
  databaseUrl?: string;
  /** Undefined: resolved at start (localhost:6379, else a redis-server child process). */
  redisUrl?: string;
  dataDir: string;
  /** Undefined outside production: a random secret is generated and kept under DATA_DIR. */
  jwtSecret?: string;
  jwtAccessTtlSeconds: number;
  jwtRefreshTtlSeconds: number;
  externalJwt: {
    issuer?: string;
    audience?: string;
    secret?: string;
    publicKey?: string;
    jwksUri?: string;
    rolesClaim: string;
  };
  /** From ADMIN_EMAIL + ADMIN_PASSWORD: this admin account is created or repaired at every start. */
  admin?: { email: string; password: string };
  maxFileSize: number;
  /** Bytes of live files one user may keep (the trash not counted); null: no quota. */
  storageQuotaBytes: number | null;
  storage: {
    defaultProvider: string;
    enabledProviders: string[];
    rules: SelectionRule[];
    /** Connections of the database provider; each upload to it holds one for its duration. */
    databasePoolMax: number;
    /** The `s3-standard` provider: any S3-compatible bucket (AWS, MinIO, R2, Wasabi). */
    s3?: S3ProviderConfig;
    /** The `backblaze-b2` provider: a B2 bucket through B2's S3-compatible API. */
    b2?: S3ProviderConfig;
    /** `s3-deep-archive`: objects stored with StorageClass DEEP_ARCHIVE. */
    deepArchive?: S3ProviderConfig;
    /** `s3-flexible-retrieval`: objects stored with StorageClass GLACIER. */
    flexibleRetrieval?: S3ProviderConfig;
    /** `glacier-vault` (legacy): archives in an S3 Glacier vault. */
    glacierVault?: GlacierVaultConfig;
  };
  /** Where thumbnails and previews are stored (THUMBNAIL_PROVIDER); unset: the file's provider if it reads instantly, else the default. */
  thumbnails: { provider?: string };
  retrieval: {
    /** Days a restored copy stays readable unless the request asks otherwise. */
    defaultDays: number;
    /** First poll and base interval per tier; the interval grows ×1.5 per poll up to 4×. */
    pollMs: { expedited: number; standard: number; bulk: number };
    /** A restore still unfinished after this many times the tier's longest typical wait is failed. */
    giveUpFactor: number;
    /** How often overdue checks are re-scheduled (polls lost with Redis). */
    sweepIntervalMs: number;
  };
  relocation: {
    /** A moved file's old copy is deleted this long after the move (downloads begun before it finish). */
    oldCopyGraceMs: number;
  };
  /** Requests per client IP to /auth/* within the window; guards passwords against guessing. */
  authRateLimit: { limit: number; windowSeconds: number };
  uploads: {
    /** Largest Upload-Length (Tus-Max-Size); at most maxFileSize. */
    maxSize: number;
    ttlSeconds: number;
    maxActivePerUser: number;
    maxReservedBytesPerUser: number;
    directMaxBytes: number;
    retentionSeconds: number;
    staging: 'local' | 'database';
    stagingDir: string;
    checkpointBytes: number;
    checkpointMs: number;
    lockTtlMs: number;
    sweepIntervalMs: number;
  };
  /** Origins allowed by CORS (browser clients such as Uppy); empty: CORS off. */
  corsOrigins: string[];
  /** How clients reach the service (behind a proxy); absolute URLs the API hands out start with it. */
  publicUrl?: string;
  runWorkers: boolean;
  outboxRelayIntervalMs: number;
  liveEvents: {
    /** Events kept per user for Last-Event-ID replay (about: Redis trims whole stream nodes). */
    replayMax: number;
    /** A user's replay log is dropped this long after their last event. */
    replayTtlSeconds: number;
    /** Streams one user may hold open, on all API instances together. */
    maxStreamsPerUser: number;
  };
  jobs: JobsConfig;
  /** When set, GET /metrics needs it as a bearer token. */
  metricsToken?: string;
  webhooks: {
    /** Deliver to loopback/private/link-local addresses too (tests, trusted internal receivers); off: refused (SSRF). */
    allowPrivateNetworks: boolean;
    /** Accept http:// endpoint URLs; off: https only. */
    allowHttp: boolean;
    /** Endpoints one user may register. */
    maxPerUser: number;
    /** WEBHOOK_SECRET_KEYS: the first encrypts secrets at rest, all decrypt. Undefined outside production: generated and kept under DATA_DIR. */
    secretKeys?: SecretKey[];
    /** After a rotation, deliveries are signed with the old secret too for this long. */
    secretRotationGraceSeconds: number;
  };
  queuePrefix: string;
  logLevel: string;
}

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

export interface GlacierVaultConfig {
  vault: string;
  region: string;
  endpoint?: string;
  /** `-` for the credentials' own account. */
  accountId: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface S3ProviderConfig {
  bucket: string;
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
  /** Unset: the AWS SDK's default credential chain (environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  keyPrefix: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
};

export function parseByteSize(value: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m ? SIZE_UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) return undefined;
  const bytes = Math.floor(Number(m[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** Per-queue defaults; each can be changed with JOBS_<QUEUE>_CONCURRENCY, _RATE_MAX, _RATE_MS, _TIMEOUT_MS, _ATTEMPTS, _BACKOFF_MS. */
const QUEUE_DEFAULTS: Record<string, Omit<QueueConfig, 'rateLimit'> & { rateLimit?: { max: number; durationMs: number } }> = {
  'domain-events': { concurrency: 32, timeoutMs: 60_000, attempts: 8, backoffMs: 1_000 },
  maintenance: { concurrency: 1, timeoutMs: 30 * 60_000, attempts: 3, backoffMs: 5_000 },
  retrieval: { concurrency: 8, timeoutMs: 60_000, attempts: 1, backoffMs: 5_000 },
  media: { concurrency: 2, timeoutMs: 5 * 60_000, attempts: 3, backoffMs: 5_000 },
  webhooks: { concurrency: 16, timeoutMs: 30_000, attempts: 8, backoffMs: 10_000 },
  relocation: { concurrency: 2, timeoutMs: 60 * 60_000, attempts: 5, backoffMs: 30_000 },
  diagnostics: { concurrency: 64, timeoutMs: 10 * 60_000, attempts: 3, backoffMs: 1_000 },
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const numeric = (kind: 'an integer' | 'a number') => (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!(kind === 'an integer' ? Number.isInteger(n) : Number.isFinite(n)) || n < min || n > max) {
      problems.push(`${name} must be ${kind} from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return n;
  };
  const int = numeric('an integer');
  const num = numeric('a number');
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = str(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be true or false, got "${raw}"`);
    return fallback;
  };
  const url = (name: string, protocols: string[]): string | undefined => {
    const raw = str(name);
    if (raw === undefined) return undefined;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) throw new Error();
      return raw;
    } catch {
      problems.push(`${name} must be a ${protocols.join(' or ')}// URL`);
      return undefined;
    }
  };

  const nodeEnv = str('NODE_ENV') ?? 'development';
  const jwtSecret = str('JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < 32) problems.push('JWT_SECRET must be at least 32 characters');
  if (jwtSecret === undefined && nodeEnv === 'production') problems.push('JWT_SECRET is required when NODE_ENV=production');
  const rawWebhookKeys = str('WEBHOOK_SECRET_KEYS');
  const webhookKeys = rawWebhookKeys === undefined ? undefined : parseSecretKeys(rawWebhookKeys, 'WEBHOOK_SECRET_KEYS');
  problems.push(...(webhookKeys?.problems ?? []));
  if (webhookKeys === undefined && nodeEnv === 'production') {
    problems.push('WEBHOOK_SECRET_KEYS is required when NODE_ENV=production: <key id>:<32 bytes in base64>, e.g. k1:$(openssl rand -base64 32) (it encrypts webhook secrets at rest)');
  }

  let maxFileSize = DEFAULT_MAX_FILE_SIZE;
  const rawMax = str('MAX_FILE_SIZE');
  if (rawMax !== undefined) {
    const parsed = parseByteSize(rawMax);
    if (parsed === undefined || parsed < 0) problems.push(`MAX_FILE_SIZE must be a size such as 5GiB or 104857600, got "${rawMax}"`);
    else maxFileSize = parsed;
  }

  let storageQuotaBytes: number | null = null;
  const rawQuota = str('STORAGE_QUOTA');
  if (rawQuota !== undefined) {
    const parsed = parseByteSize(rawQuota);
    if (parsed === undefined || parsed < 1) problems.push(`STORAGE_QUOTA must be a size such as 10GiB, got "${rawQuota}"`);
    else storageQuotaBytes = parsed;
  }

  const enabledProviders = (str('STORAGE_PROVIDERS') ?? 'local-fs,database').split(',').map((s) => s.trim()).filter(Boolean);
  const defaultProvider = str('STORAGE_DEFAULT_PROVIDER') ?? 'local-fs';
  if (!enabledProviders.includes(defaultProvider)) {
    problems.push(`STORAGE_DEFAULT_PROVIDER "${defaultProvider}" is not among STORAGE_PROVIDERS (${enabledProviders.join(', ')})`);
  }
  let rules: SelectionRule[] = [];
  const rawRules = str('STORAGE_RULES');
  if (rawRules !== undefined) {
    try {
      const parsed: unknown = JSON.parse(rawRules);
      if (!Array.isArray(parsed) || (parsed as unknown[]).some((r) => typeof r !== 'object' || r === null || !('provider' in r) || typeof r.provider !== 'string')) {
        throw new Error('an array of objects with a "provider"');
      }
      rules = parsed as SelectionRule[];
      for (const r of rules) {
        if (!enabledProviders.includes(r.provider)) problems.push(`STORAGE_RULES names provider "${r.provider}", which is not enabled`);
      }
    } catch (e) {
      problems.push(`STORAGE_RULES must be JSON: ${(e as Error).message}`);
    }
  }

  const thumbnailProvider = str('THUMBNAIL_PROVIDER');
  if (thumbnailProvider !== undefined && !enabledProviders.includes(thumbnailProvider)) {
    problems.push(`THUMBNAIL_PROVIDER "${thumbnailProvider}" is not among STORAGE_PROVIDERS (${enabledProviders.join(', ')})`);
  }

  const size = (name: string, fallback: number): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    const parsed = parseByteSize(raw);
    if (parsed === undefined) {
      problems.push(`${name} must be a size such as 64MiB or 1048576, got "${raw}"`);
      return fallback;
    }
    return parsed;
  };
  const dataDir = path.resolve(str('DATA_DIR') ?? './data');
  const staging = str('UPLOAD_STAGING') ?? 'local';
  if (staging !== 'local' && staging !== 'database') problems.push(`UPLOAD_STAGING must be local or database, got "${staging}"`);
  const uploads: AppConfig['uploads'] = {
    maxSize: Math.min(size('UPLOAD_MAX_SIZE', maxFileSize), maxFileSize),
    ttlSeconds: int('UPLOAD_EXPIRY', 86_400, 60, 30 * 86_400),
    maxActivePerUser: int('UPLOAD_MAX_ACTIVE', 100, 1, 100_000),
    maxReservedBytesPerUser: size('UPLOAD_MAX_RESERVED', 50 * 1024 ** 3),
    directMaxBytes: size('UPLOAD_DIRECT_MAX', 8 * 1024 ** 2),
    retentionSeconds: int('UPLOAD_RETENTION', 7 * 86_400, 0, 365 * 86_400),
    staging: staging as 'local' | 'database',
    stagingDir: path.resolve(str('UPLOAD_STAGING_DIR') ?? path.join(dataDir, 'uploads')),
    checkpointBytes: size('UPLOAD_CHECKPOINT_BYTES', 64 * 1024 ** 2),
    checkpointMs: int('UPLOAD_CHECKPOINT_MS', 2_000, 10, 600_000),
    lockTtlMs: int('UPLOAD_LOCK_TTL_MS', 6_000, 1_000, 600_000),
    sweepIntervalMs: int('UPLOAD_SWEEP_INTERVAL_MS', 60_000, 100, 86_400_000),
  };
  if (uploads.checkpointBytes < 1) problems.push('UPLOAD_CHECKPOINT_BYTES must be at least 1 byte');
  const corsOrigins = (str('CORS_ORIGINS') ?? '').split(',').map((o) => o.trim()).filter(Boolean);

  /** An S3-compatible provider's settings from `<prefix>BUCKET`, `<prefix>REGION`, … */
  const s3Settings = (providerId: string, prefix: string, keyNames: [string, string], defaults: { region: string; endpoint?: (region: string) => string; forcePathStyle: boolean }) => {
    const bucket = str(`${prefix}BUCKET`);
    if (enabledProviders.includes(providerId) && bucket === undefined) problems.push(`${prefix}BUCKET is required when STORAGE_PROVIDERS includes ${providerId}`);
    const keyId = str(`${prefix}${keyNames[0]}`);
    const secret = env[`${prefix}${keyNames[1]}`] || undefined; // not trimmed: a secret is taken as given
    if ((keyId === undefined) !== (secret === undefined)) problems.push(`${prefix}${keyNames[0]} and ${prefix}${keyNames[1]} must be set together`);
    if (bucket === undefined) return undefined;
    const region = str(`${prefix}REGION`) ?? defaults.region;
    return {
      bucket,
      region,
      endpoint: url(`${prefix}ENDPOINT`, ['https:', 'http:']) ?? defaults.endpoint?.(region),
      forcePathStyle: bool(`${prefix}FORCE_PATH_STYLE`, defaults.forcePathStyle),
      credentials: keyId && secret ? { accessKeyId: keyId, secretAccessKey: secret } : undefined,
      keyPrefix: str(`${prefix}PREFIX`) ?? '',
    } satisfies S3ProviderConfig;
  };
  const s3 = s3Settings('s3-standard', 'STORAGE_S3_', ['ACCESS_KEY_ID', 'SECRET_ACCESS_KEY'], { region: 'us-east-1', forcePathStyle: false });
  // B2's S3 API lives at an endpoint per region; its keys are a key id and an application key.
  const b2 = s3Settings('backblaze-b2', 'STORAGE_B2_', ['KEY_ID', 'APPLICATION_KEY'], {
    region: 'us-west-004',
    endpoint: (region) => `https://s3.${region}.backblazeb2.com`,
    forcePathStyle: false,
  });
  // The archive classes are the same adapter with another storage class, and their own bucket settings.
  const awsDefaults = { region: 'us-east-1', forcePathStyle: false };
  const deepArchive = s3Settings('s3-deep-archive', 'STORAGE_DEEP_ARCHIVE_', ['ACCESS_KEY_ID', 'SECRET_ACCESS_KEY'], awsDefaults);
  const flexibleRetrieval = s3Settings('s3-flexible-retrieval', 'STORAGE_FLEXIBLE_RETRIEVAL_', ['ACCESS_KEY_ID', 'SECRET_ACCESS_KEY'], awsDefaults);
  const vault = str('STORAGE_GLACIER_VAULT');
  if (enabledProviders.includes('glacier-vault') && vault === undefined) problems.push('STORAGE_GLACIER_VAULT is required when STORAGE_PROVIDERS includes glacier-vault');
  const glacierKeyId = str('STORAGE_GLACIER_ACCESS_KEY_ID');
  const glacierSecret = env.STORAGE_GLACIER_SECRET_ACCESS_KEY || undefined;
  if ((glacierKeyId === undefined) !== (glacierSecret === undefined)) problems.push('STORAGE_GLACIER_ACCESS_KEY_ID and STORAGE_GLACIER_SECRET_ACCESS_KEY must be set together');
  const glacierVault: GlacierVaultConfig | undefined = vault === undefined ? undefined : {
    vault,
    region: str('STORAGE_GLACIER_REGION') ?? 'us-east-1',
    endpoint: url('STORAGE_GLACIER_ENDPOINT', ['https:', 'http:']),
    accountId: str('STORAGE_GLACIER_ACCOUNT_ID') ?? '-',
    credentials: glacierKeyId && glacierSecret ? { accessKeyId: glacierKeyId, secretAccessKey: glacierSecret } : undefined,
  };
  const retrieval = {
    defaultDays: int('RETRIEVAL_DAYS', 7, 1, 365),
    pollMs: {
      expedited: int('RETRIEVAL_POLL_EXPEDITED_MS', 60_000, 10, 86_400_000),
      standard: int('RETRIEVAL_POLL_STANDARD_MS', 15 * 60_000, 10, 86_400_000),
      bulk: int('RETRIEVAL_POLL_BULK_MS', 60 * 60_000, 10, 86_400_000),
    },
    giveUpFactor: num('RETRIEVAL_GIVE_UP_FACTOR', 4, 1e-9, 1000),
    sweepIntervalMs: int('RETRIEVAL_SWEEP_INTERVAL_MS', 60_000, 100, 86_400_000),
  };

  const adminEmail = str('ADMIN_EMAIL');
  const adminPassword = env.ADMIN_PASSWORD || undefined; // not trimmed: spaces may belong to a password
  if ((adminEmail === undefined) !== (adminPassword === undefined)) problems.push('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  const domainRule = (name: string, check: () => unknown): void => {
    try {
      check();
    } catch (e) {
      problems.push(`${name}: ${(e as Error).message}`);
    }
  };
  if (adminEmail !== undefined) domainRule('ADMIN_EMAIL', () => Email.of(adminEmail));
  if (adminPassword !== undefined) domainRule('ADMIN_PASSWORD', () => assertAcceptablePassword(adminPassword));

  const config: AppConfig = {
    nodeEnv,
    port: int('PORT', 3000, 0, 65535),
    host: str('HOST') ?? '0.0.0.0',
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    dataDir,
    jwtSecret,
    jwtAccessTtlSeconds: int('JWT_ACCESS_TTL', 900, 30, 86_400),
    jwtRefreshTtlSeconds: int('JWT_REFRESH_TTL', 30 * 86_400, 60, 365 * 86_400),
    externalJwt: {
      issuer: str('JWT_EXTERNAL_ISSUER'),
      audience: str('JWT_EXTERNAL_AUDIENCE'),
      secret: str('JWT_EXTERNAL_SECRET'),
      publicKey: str('JWT_EXTERNAL_PUBLIC_KEY')?.replace(/\\n/g, '\n'),
      jwksUri: url('JWT_EXTERNAL_JWKS_URI', ['https:', 'http:']),
      rolesClaim: str('JWT_EXTERNAL_ROLES_CLAIM') ?? 'roles',
    },
    admin: adminEmail && adminPassword ? { email: adminEmail, password: adminPassword } : undefined,
    maxFileSize,
    storageQuotaBytes,
    storage: { defaultProvider, enabledProviders, rules, databasePoolMax: int('STORAGE_DATABASE_POOL_MAX', 10, 1, 200), s3, b2, deepArchive, flexibleRetrieval, glacierVault },
    thumbnails: { provider: thumbnailProvider },
    retrieval,
    relocation: { oldCopyGraceMs: int('RELOCATION_OLD_COPY_GRACE_S', 3600, 0, 30 * 86_400) * 1000 },
    authRateLimit: { limit: int('AUTH_RATE_LIMIT', 20, 1, 1_000_000), windowSeconds: int('AUTH_RATE_WINDOW', 60, 1, 86_400) },
    uploads,
    corsOrigins,
    publicUrl: url('PUBLIC_URL', ['https:', 'http:'])?.replace(/\/+$/, ''),
    runWorkers: bool('RUN_WORKERS', true),
    metricsToken: env.METRICS_TOKEN || undefined,
    webhooks: {
      allowPrivateNetworks: bool('WEBHOOKS_ALLOW_PRIVATE_NETWORKS', false),
      allowHttp: bool('WEBHOOKS_ALLOW_HTTP', false),
      maxPerUser: int('WEBHOOKS_MAX_PER_USER', 20, 1, 10_000),
      secretKeys: webhookKeys?.keys,
      secretRotationGraceSeconds: int('WEBHOOK_SECRET_ROTATION_GRACE_S', 86_400, 0, 30 * 86_400),
    },
    jobs: {
      queues: Object.fromEntries(
        Object.entries(QUEUE_DEFAULTS).map(([name, d]) => {
          const v = `JOBS_${name.toUpperCase().replace(/-/g, '_')}_`;
          const max = int(`${v}RATE_MAX`, d.rateLimit?.max ?? 0, 0, 1_000_000);
          return [name, {
            concurrency: int(`${v}CONCURRENCY`, d.concurrency, 1, 1000),
            rateLimit: max > 0 ? { max, durationMs: int(`${v}RATE_MS`, d.rateLimit?.durationMs ?? 1000, 1, 86_400_000) } : null,
            timeoutMs: int(`${v}TIMEOUT_MS`, d.timeoutMs, 10, 86_400_000),
            attempts: int(`${v}ATTEMPTS`, d.attempts, 1, 100),
            backoffMs: int(`${v}BACKOFF_MS`, d.backoffMs, 1, 86_400_000),
          } satisfies QueueConfig];
        }),
      ),
      lockDurationMs: int('JOBS_LOCK_DURATION_MS', 30_000, 500, 600_000),
      stalledIntervalMs: int('JOBS_STALLED_INTERVAL_MS', 30_000, 500, 600_000),
      deletedRetentionDays: int('DELETED_RETENTION_DAYS', 30, 0, 3650),
      webhookDeliveryRetentionDays: int('WEBHOOK_DELIVERY_RETENTION_DAYS', 30, 0, 3650),
      schedules: {
        'purge-deleted-files': str('SCHEDULE_PURGE_DELETED_FILES') ?? '0 3 * * *',
        'quota-recount': str('SCHEDULE_QUOTA_RECOUNT') ?? '15 * * * *',
        'prune-webhook-deliveries': str('SCHEDULE_PRUNE_WEBHOOK_DELIVERIES') ?? '45 3 * * *',
      },
    },
    outboxRelayIntervalMs: int('OUTBOX_RELAY_INTERVAL_MS', 1000, 50, 60_000),
    liveEvents: {
      replayMax: int('LIVE_EVENTS_REPLAY_MAX', 1000, 1, 1_000_000),
      replayTtlSeconds: int('LIVE_EVENTS_REPLAY_TTL_S', 86_400, 60, 30 * 86_400),
      maxStreamsPerUser: int('LIVE_EVENTS_MAX_STREAMS_PER_USER', 10, 1, 10_000),
    },
    queuePrefix: str('QUEUE_PREFIX') ?? 'flexstorage',
    logLevel: str('LOG_LEVEL') ?? 'log',
  };
  for (const [job, schedule] of Object.entries(config.jobs.schedules)) {
    if (!/^every:\d+$/.test(schedule) && !/^\S+( \S+){4,5}$/.test(schedule)) {
      problems.push(`SCHEDULE_${job.toUpperCase().replace(/-/g, '_')} must be a cron expression (5 or 6 fields) or every:<ms>, got "${schedule}"`);
    }
  }
  const external = config.externalJwt;
  if ((external.secret || external.publicKey || external.jwksUri) && !external.issuer) {
    problems.push('JWT_EXTERNAL_ISSUER is required when an external issuer key is configured');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

export const APP_CONFIG = Symbol('AppConfig');
