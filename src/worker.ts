import 'reflect-metadata';
import { createWorkerApp } from './app.factory';
import { resolveRuntime } from './infrastructure/bootstrap/resolve-runtime';
import { ConfigError, loadConfig } from './infrastructure/config/app-config';
import { migrateDatabase } from './infrastructure/persistence/migrate';

async function main(): Promise<void> {
  const config = loadConfig();
  const runtime = await resolveRuntime(config);
  await migrateDatabase(runtime.databaseUrl);
  await createWorkerApp({ config, runtime, api: false, workers: true });
}

main().catch((error) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
