import * as path from 'node:path';
import { EnvReader } from '../env-reader';

/** Where the service listens, how clients reach it, and the services and directory it runs on. */
export interface ServerConfig {
  nodeEnv: string;
  port: number;
  host: string;
  /** Undefined: resolved at start (localhost:5432, else embedded PostgreSQL). */
  databaseUrl?: string;
  /** Undefined: resolved at start (localhost:6379, else a redis-server child process). */
  redisUrl?: string;
  dataDir: string;
  /** Origins allowed by CORS (browser clients such as Uppy); empty: CORS off. */
  corsOrigins: string[];
  /** How clients reach the service (behind a proxy); absolute URLs the API hands out start with it. */
  publicUrl?: string;
  /** The largest JSON request body read (bytes); a larger one answers 413 before it is parsed. */
  maxJsonBodyBytes: number;
}

export const DEFAULT_MAX_JSON_BODY = 1024 * 1024;

export function readServerConfig(env: EnvReader): ServerConfig {
  return {
    nodeEnv: env.string('NODE_ENV', 'development'),
    port: env.integer('PORT', 3000, 0, 65535),
    host: env.string('HOST', '0.0.0.0'),
    databaseUrl: env.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: env.url('REDIS_URL', ['redis:', 'rediss:']),
    dataDir: path.resolve(env.string('DATA_DIR', './data')),
    corsOrigins: env.list('CORS_ORIGINS'),
    publicUrl: env.url('PUBLIC_URL', ['https:', 'http:'])?.replace(/\/+$/, ''),
    maxJsonBodyBytes: env.byteSize('MAX_JSON_BODY', DEFAULT_MAX_JSON_BODY, { example: '1MiB or 1048576', min: 1024 }),
  };
}
