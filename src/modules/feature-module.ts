import { DynamicModule, ModuleMetadata, Provider, Type } from '@nestjs/common';
import { DomainEventSubscriber } from '../application/ports';
import { DomainEventClass } from '../domain/shared';
import { AppConfig } from '../infrastructure/config/app-config';
import { RuntimeSettings } from '../infrastructure/config/runtime';
import { JobHandler } from '../infrastructure/jobs/job-handler';
import { StartedPlugins } from '../infrastructure/storage-providers/plugins/load-plugins';
import { domainEventContribution } from '../infrastructure/outbox/domain-event-catalog';

/** What every module is built from: the configuration, and what this process serves. */
export interface ModuleOptions {
  config: AppConfig;
  runtime: RuntimeSettings;
  /** Serve HTTP (controllers and what only they use). */
  api: boolean;
  /** Run BullMQ processors and recurring jobs. */
  workers: boolean;
  /** The STORAGE_PLUGINS providers, created and checked before the application (none when absent). */
  plugins?: StartedPlugins;
}

/** A feature, as its module file lists it. */
export interface FeatureParts {
  imports?: ModuleMetadata['imports'];
  /** Port bindings, handlers and services: in every process. */
  providers?: Provider[];
  /** What other features may inject. */
  exports?: ModuleMetadata['exports'];
  /** Only in a process that serves HTTP. */
  controllers?: Type[];
  apiProviders?: Provider[];
  /** Only in a process that runs workers. */
  jobs?: Type<JobHandler>[];
  workerProviders?: Provider[];
  /** The domain events it records (so relayed ones can be rebuilt) and the subscribers it runs. */
  events?: readonly DomainEventClass[];
  subscribers?: Type<DomainEventSubscriber>[];
}

/**
 * Builds a feature's module, honouring the api/workers switch. Feature modules are global: the
 * features call each other's ports (an upload becomes a file, a move asks for a retrieval), and
 * importing each other would make cycles; `exports` still says what a feature offers.
 */
export function featureModule(module: Type, options: ModuleOptions, parts: FeatureParts): DynamicModule {
  const contributes = parts.events?.length || parts.subscribers?.length;
  return {
    module,
    global: true,
    imports: parts.imports ?? [],
    controllers: options.api ? (parts.controllers ?? []) : [],
    providers: [
      ...(parts.providers ?? []),
      ...(contributes ? domainEventContribution(parts.events ?? [], parts.subscribers ?? []) : []),
      ...(options.api ? (parts.apiProviders ?? []) : []),
      ...(options.workers ? [...(parts.jobs ?? []), ...(parts.workerProviders ?? [])] : []),
    ],
    exports: parts.exports ?? [],
  };
}
