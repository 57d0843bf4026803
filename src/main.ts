import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { BootstrapLogger } from './infrastructure/observability/bootstrap-logger';
import { createHttpApp } from './app.factory';
import { BootstrapError } from './infrastructure/bootstrap/bootstrap-error';
import { GracefulShutdown } from './infrastructure/bootstrap/graceful-shutdown';
import { resolveRuntime } from './infrastructure/bootstrap/resolve-runtime';
import { ConfigError } from './infrastructure/config/app-config';
import { loadConfigWithPlugins } from './infrastructure/bootstrap/storage-plugins';
import { startStoragePlugins } from './infrastructure/storage-providers/plugins/load-plugins';
import { migrateDatabase } from './infrastructure/persistence/migrate';

const shutdown = new GracefulShutdown();

async function main(): Promise<void> {
  const { config, plugins } = await loadConfigWithPlugins();
  Logger.overrideLogger(new BootstrapLogger(config.logLevel));
  const runtime = await resolveRuntime(config, { role: 'api', shutdown });
  const applied = await migrateDatabase(runtime.databaseUrl);
  const started = await startStoragePlugins(plugins, { config, databaseUrl: runtime.databaseUrl });
  if (applied.length) new Logger('Bootstrap').log(`Applied migrations: ${applied.join(', ')}`);
  const app = await shutdown.adopt(() =>
    createHttpApp({ config, runtime, api: true, workers: config.runWorkers, plugins: started }),
  );
  await app.listen(config.port, config.host);
  new Logger('Bootstrap').log(
    `FlexStorage listening on http://${config.host}:${config.port} (API /api/v1, docs /docs)`,
  );
}

main().catch(async (error) => {
  if (error instanceof ConfigError || error instanceof BootstrapError) console.error(error.message);
  else console.error(error);
  await shutdown.exit(1);
});
