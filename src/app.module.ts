import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuthModule } from './modules/auth.module';
import { ModuleOptions } from './modules/feature-module';
import { FilesModule } from './modules/files.module';
import { JobsModule } from './modules/jobs.module';
import { LiveEventsModule } from './modules/live-events.module';
import { MediaModule } from './modules/media.module';
import { OpsModule } from './modules/ops.module';
import { PersistenceModule } from './modules/persistence.module';
import { PlatformModule } from './modules/platform.module';
import { QueuesModule } from './modules/queues.module';
import { RelocationModule } from './modules/relocation.module';
import { RetrievalModule } from './modules/retrieval.module';
import { StorageModule } from './modules/storage.module';
import { UploadsModule } from './modules/uploads.module';
import { WebhooksModule } from './modules/webhooks.module';

export type AppModuleOptions = ModuleOptions;

/** The shared platform first, then the features; their controllers are routed in this order. */
const MODULES = [
  PlatformModule,
  PersistenceModule,
  QueuesModule,
  StorageModule,
  AuthModule,
  FilesModule,
  MediaModule,
  UploadsModule,
  RetrievalModule,
  RelocationModule,
  WebhooksModule,
  JobsModule,
  OpsModule,
  LiveEventsModule,
];

/**
 * The composition root. `npm start` builds it with api and workers, `start:worker` with workers
 * only, so the two scale separately; each module takes the switch and keeps its controllers to
 * the API and its jobs to the workers.
 */
@Module({})
export class AppModule {
  static register(options: AppModuleOptions): DynamicModule {
    // Global modules run their lifecycle hooks in the order they are imported, and CQRS registers
    // its handlers on bootstrap: first, so that a feature's own bootstrap (the admin account, the
    // job workers) finds them.
    const features = MODULES.map((module) => module.register(options));
    return { module: AppModule, imports: [CqrsModule.forRoot(), ...features] };
  }
}
