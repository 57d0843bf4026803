import * as path from 'node:path';
import { EnvReader } from '../env-reader';

export interface UploadsConfig {
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
}

interface UploadLimits {
  maxFileSize: number;
  dataDir: string;
}

/** Tus-Max-Size is capped at MAX_FILE_SIZE; staging lives under DATA_DIR unless placed elsewhere. */
export function readUploadsConfig(env: EnvReader, { maxFileSize, dataDir }: UploadLimits): UploadsConfig {
  const uploads: UploadsConfig = {
    maxSize: Math.min(env.byteSize('UPLOAD_MAX_SIZE', maxFileSize), maxFileSize),
    ttlSeconds: env.integer('UPLOAD_EXPIRY', 86_400, 60, 30 * 86_400),
    maxActivePerUser: env.integer('UPLOAD_MAX_ACTIVE', 100, 1, 100_000),
    maxReservedBytesPerUser: env.byteSize('UPLOAD_MAX_RESERVED', 50 * 1024 ** 3),
    directMaxBytes: env.byteSize('UPLOAD_DIRECT_MAX', 8 * 1024 ** 2),
    retentionSeconds: env.integer('UPLOAD_RETENTION', 7 * 86_400, 0, 365 * 86_400),
    staging: env.oneOf('UPLOAD_STAGING', ['local', 'database'], 'local'),
    stagingDir: path.resolve(env.string('UPLOAD_STAGING_DIR', path.join(dataDir, 'uploads'))),
    checkpointBytes: env.byteSize('UPLOAD_CHECKPOINT_BYTES', 64 * 1024 ** 2),
    checkpointMs: env.integer('UPLOAD_CHECKPOINT_MS', 2_000, 10, 600_000),
    lockTtlMs: env.integer('UPLOAD_LOCK_TTL_MS', 6_000, 1_000, 600_000),
    sweepIntervalMs: env.integer('UPLOAD_SWEEP_INTERVAL_MS', 60_000, 100, 86_400_000),
  };
  if (uploads.checkpointBytes < 1) env.problem('UPLOAD_CHECKPOINT_BYTES must be at least 1 byte');
  return uploads;
}
