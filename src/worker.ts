import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { BootstrapLogger } from './infrastructure/observability/bootstrap-logger';
import { createWorkerApp } from './app.factory';
import { BootstrapError } from './infrastructure/bootstrap/bootstrap-error';
import { GracefulShutdown } from './infrastructure/bootstrap/graceful-shutdown';
import { resolveRuntime } from './infrastructure/bootstrap/resolve-runtime';
import { ConfigError } from './infrastructure/config/app-config';
import { loadConfigWithPlugins } from './infrastructure/bootstrap/storage-plugins';
import { startStoragePlugins } from './infrastructure/storage-providers/plugins/load-plugins';
import { migrateDatabase } from './infrastructure/persistence/migrate';

const shutdown = new GracefulShutdown();

/** Workers alone: never starts PostgreSQL or Redis, uses the ones the API uses (see resolveRuntime). */
async function main(): Promise<void> {
  const { config, plugins } = await loadConfigWithPlugins();
  Logger.overrideLogger(new BootstrapLogger(config.logLevel));
  const runtime = await resolveRuntime(config, { role: 'worker', shutdown });
  await migrateDatabase(runtime.databaseUrl);
  const started = await startStoragePlugins(plugins, { config, databaseUrl: runtime.databaseUrl });
  await shutdown.adopt(() => createWorkerApp({ config, runtime, api: false, workers: true, plugins: started }));
}

main().catch(async (error) => {
  if (error instanceof ConfigError || error instanceof BootstrapError) console.error(error.message);
  else console.error(error);
  await shutdown.exit(1);
});
