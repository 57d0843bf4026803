import { BUILT_IN_PROVIDERS } from '../storage-providers/provider-catalog';
import { StorageProviderFactory } from '../storage-providers/shared/provider-config';
import { Env, EnvReader } from './env-reader';
import { AuthConfig, readAuthConfig } from './sections/auth.config';
import { FilesConfig, readFilesConfig } from './sections/files.config';
import { readJobsConfig, WorkersConfig } from './sections/jobs.config';
import { LiveEventsConfig, readLiveEventsConfig } from './sections/live-events.config';
import { MediaConfig, readMediaConfig } from './sections/media.config';
import { ObservabilityConfig, readObservabilityConfig } from './sections/observability.config';
import { OutboxConfig, readOutboxConfig } from './sections/outbox.config';
import { readRelocationConfig, RelocationConfig } from './sections/relocation.config';
import { readRetrievalConfig, RetrievalConfig } from './sections/retrieval.config';
import { readServerConfig, ServerConfig } from './sections/server.config';
import { readStorageConfig, StorageConfig } from './sections/storage.config';
import { readUploadsConfig, UploadsConfig } from './sections/uploads.config';
import { readWebhooksConfig, WebhooksConfig } from './sections/webhooks.config';

export { parseByteSize } from './env-reader';
export type { JobsConfig, QueueConfig } from './sections/jobs.config';

/**
 * Every setting the service reads, parsed and validated once at start. A bad value stops the
 * process with one message naming every problem, instead of failing later mid-request. Each
 * feature and each storage provider reads its own section (see sections/ and the provider factories).
 */
export interface AppConfig
  extends ServerConfig, AuthConfig, FilesConfig, WorkersConfig, OutboxConfig, ObservabilityConfig {
  storage: StorageConfig;
  media: MediaConfig;
  retrieval: RetrievalConfig;
  relocation: RelocationConfig;
  uploads: UploadsConfig;
  liveEvents: LiveEventsConfig;
  webhooks: WebhooksConfig;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** `providers`: the factories whose sections are read (plugins add theirs to the built-in ones). */
export function loadConfig(
  env: Env = process.env,
  providers: readonly StorageProviderFactory[] = BUILT_IN_PROVIDERS,
): AppConfig {
  const reader = new EnvReader(env);
  const server = readServerConfig(reader);
  const files = readFilesConfig(reader);
  const storage = readStorageConfig(reader, providers);
  const config: AppConfig = {
    ...server,
    ...readAuthConfig(reader, server.nodeEnv),
    ...files,
    storage,
    media: readMediaConfig(reader, storage, server.nodeEnv),
    uploads: readUploadsConfig(reader, { maxFileSize: files.maxFileSize, dataDir: server.dataDir }),
    retrieval: readRetrievalConfig(reader),
    relocation: readRelocationConfig(reader),
    webhooks: readWebhooksConfig(reader, server.nodeEnv),
    liveEvents: readLiveEventsConfig(reader),
    ...readJobsConfig(reader),
    ...readOutboxConfig(reader),
    ...readObservabilityConfig(reader),
  };
  if (reader.problems.length > 0) throw new ConfigError([...reader.problems]);
  return config;
}

export const APP_CONFIG = Symbol('AppConfig');
