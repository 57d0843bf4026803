import { Client } from 'pg';
import { glacierVaultEnv, QUICK_RETRIEVAL_POLLING, s3ArchiveEnv } from './archive-env';
import { GlacierEmulator, GlacierEmulatorOptions, startGlacierEmulator } from './glacier-emulator';
import { LocalS3, startS3rver } from './s3rver';
import { S3Emulator, S3EmulatorOptions, startS3Emulator } from './s3-emulator';
import { startTestApp, TestApp } from './test-app';

/** The running service with every archive provider, each behind its emulator, and a SQL client on its database. */
export interface ArchiveStack {
  s3: LocalS3;
  /** Both S3 archive classes (keys under `flexible/` and `deep/`) on one bucket. */
  archive: S3Emulator;
  vault: GlacierEmulator;
  t: TestApp;
  db: Client;
  /** Stops what was started, in reverse order. */
  close(): Promise<void>;
}

export interface ArchiveStackOptions {
  bucket: string;
  vault: string;
  restoreDelayMs: S3EmulatorOptions['restoreDelayMs'];
  restoredCopyMs?: number;
  jobDelayMs: GlacierEmulatorOptions['jobDelayMs'];
  outputTtlMs?: number;
  /** STORAGE_PROVIDERS (default: local-fs, database and the three archive providers). */
  providers?: string;
  /** More settings for the app. */
  env?: Record<string, string>;
}

/**
 * s3rver behind the archive emulator, the Glacier vault emulator, and the app configured for
 * s3-flexible-retrieval, s3-deep-archive and glacier-vault against them, polling restores quickly.
 */
export async function startArchiveStack(options: ArchiveStackOptions): Promise<ArchiveStack> {
  const started: Partial<ArchiveStack> = {};
  const close = async () => {
    await started.db?.end();
    await started.t?.close();
    await started.archive?.close();
    await started.vault?.close();
    await started.s3?.close();
  };
  try {
    started.s3 = await startS3rver(options.bucket);
    started.archive = await startS3Emulator({
      upstream: started.s3.endpoint,
      accessKeyId: 'S3RVER',
      restoreDelayMs: options.restoreDelayMs,
      restoredCopyMs: options.restoredCopyMs ?? 10 * 60_000,
    });
    started.vault = await startGlacierEmulator({
      accessKeyId: 'VAULTKEY',
      vaults: [options.vault],
      jobDelayMs: options.jobDelayMs,
      outputTtlMs: options.outputTtlMs ?? 60_000,
    });
    started.t = await startTestApp({
      STORAGE_PROVIDERS: options.providers ?? 'local-fs,database,s3-flexible-retrieval,s3-deep-archive,glacier-vault',
      ...s3ArchiveEnv('s3-flexible-retrieval', options.bucket, started.archive.endpoint),
      STORAGE_FLEXIBLE_RETRIEVAL_PREFIX: 'flexible/',
      ...s3ArchiveEnv('s3-deep-archive', options.bucket, started.archive.endpoint),
      STORAGE_DEEP_ARCHIVE_PREFIX: 'deep/',
      ...glacierVaultEnv(options.vault, started.vault.endpoint),
      ...QUICK_RETRIEVAL_POLLING,
      OUTBOX_RELAY_INTERVAL_MS: '100',
      ...options.env,
    });
    started.db = new Client({ connectionString: started.t.db.url });
    await started.db.connect();
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  return { ...(started as Omit<ArchiveStack, 'close'>), close };
}
