import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { BootstrapLogger } from './infrastructure/observability/bootstrap-logger';
import { createWorkerApp } from './app.factory';
import { BootstrapError } from './infrastructure/bootstrap/bootstrap-error';
import { GracefulShutdown } from './infrastructure/bootstrap/graceful-shutdown';
import { resolveRuntime } from './infrastructure/bootstrap/resolve-runtime';
import { ConfigError, loadConfig } from './infrastructure/config/app-config';
import { migrateDatabase } from './infrastructure/persistence/migrate';

const shutdown = new GracefulShutdown();

/** Workers alone: never starts PostgreSQL or Redis, uses the ones the API uses (see resolveRuntime). */
async function main(): Promise<void> {
  const config = loadConfig();
  Logger.overrideLogger(new BootstrapLogger(config.logLevel));
  const runtime = await resolveRuntime(config, { role: 'worker', shutdown });
  await migrateDatabase(runtime.databaseUrl);
  await shutdown.adopt(() => createWorkerApp({ config, runtime, api: false, workers: true }));
}

main().catch(async (error) => {
  if (error instanceof ConfigError || error instanceof BootstrapError) console.error(error.message);
  else console.error(error);
  await shutdown.exit(1);
});
