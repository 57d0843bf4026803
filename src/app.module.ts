import { MikroOrmModule } from '@mikro-orm/nestjs';
import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module, Provider, Type } from '@nestjs/common';
import { APP_FILTER, DiscoveryModule } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { PassportModule } from '@nestjs/passport';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { FILE_COMMAND_HANDLERS, FILE_QUERY_HANDLERS, FILE_READ_MODEL } from './application/files';
import { CLOCK, ID_GENERATOR, STORAGE_PROVIDER_REGISTRY, UPLOAD_POLICY, UploadPolicy } from './application/ports';
import { AuthController } from './api/auth/auth.controller';
import { FilesController } from './api/files/files.controller';
import { UploadsController } from './api/uploads/uploads.controller';
import { HTTP_SETTINGS, HttpSettings } from './api/http-settings';
import { UPLOAD_COMMAND_HANDLERS, UPLOAD_QUERY_HANDLERS, UPLOAD_SERVICES } from './application/uploads';
import { UPLOAD_LOCK, UPLOAD_SETTINGS, UPLOAD_STAGING, UploadSettings } from './application/ports';
import { UPLOAD_SESSION_EVENTS, UPLOAD_SESSION_REPOSITORY } from './domain/uploads';
import { MikroUploadSessionRepository } from './infrastructure/persistence/mikro-upload-session.repository';
import { RedisUploadLock } from './infrastructure/uploads/redis-upload.lock';
import { buildUploadStaging } from './infrastructure/uploads/staging/upload-staging.factory';
import { HealthController } from './api/ops/health.controller';
import { ProblemFilter } from './api/problem/problem.filter';
import { FILE_EVENTS, FILE_REPOSITORY } from './domain/files';
import { StorageProviderSelector } from './domain/storage';
import { USER_EVENTS } from './domain/auth';
import { APP_CONFIG, AppConfig } from './infrastructure/config/app-config';
import { RUNTIME, RuntimeSettings } from './infrastructure/config/runtime';
import { AUTH_PROVIDERS } from './infrastructure/auth/auth.providers';
import { DEAD_LETTER_QUEUE, QUEUE_NAMES } from './infrastructure/jobs/queues';
import { ManagedRedis, REDIS_CLIENT, redisOptionsFromUrl } from './infrastructure/jobs/redis.client';
import { OutboxKick } from './infrastructure/outbox/outbox-kick';
import { OutboxNotifier } from './infrastructure/outbox/outbox.notifier';
import { OutboxRelay } from './infrastructure/outbox/outbox.relay';
import { OutboxWriter } from './infrastructure/outbox/outbox.writer';
import { buildOrmOptions } from './infrastructure/persistence/mikro-orm.options';
import { MikroFileRepository } from './infrastructure/persistence/mikro-file.repository';
import { MikroRetrievalRequestRepository } from './infrastructure/persistence/mikro-retrieval-request.repository';
import { BullmqRetrievalPolls } from './infrastructure/retrieval/bullmq-retrieval-polls';
import { RetrievalsController } from './api/retrieval/retrievals.controller';
import { RelocationsController } from './api/relocation/relocations.controller';
import { RETRIEVAL_COMMAND_HANDLERS, RETRIEVAL_QUERY_HANDLERS, RETRIEVAL_SERVICES } from './application/retrieval';
import { RETRIEVAL_EVENTS, RETRIEVAL_REQUEST_REPOSITORY, RetrievalSchedule } from './domain/retrieval';
import { RETRIEVAL_POLLS, RETRIEVAL_SETTINGS, RetrievalSettings } from './application/ports';
import { BullJobInspector } from './infrastructure/jobs/bull-job-inspector';
import { DeadLetters } from './infrastructure/jobs/dead-letters';
import { NoopJob } from './infrastructure/jobs/diagnostics/noop.job';
import { SleepJob } from './infrastructure/jobs/diagnostics/sleep.job';
import { DomainEventsJob } from './infrastructure/outbox/jobs/domain-events.job';
import { OutboxRelayJob } from './infrastructure/outbox/jobs/outbox-relay.job';
import { UploadSweepJob } from './infrastructure/uploads/jobs/upload-sweep.job';
import { RetrievalSweepJob } from './infrastructure/retrieval/jobs/retrieval-sweep.job';
import { RetrievalCheckJob } from './infrastructure/retrieval/jobs/retrieval-check.job';
import { PurgeDeletedFilesJob } from './infrastructure/files/jobs/purge-deleted-files.job';
import { QuotaRecountJob } from './infrastructure/files/jobs/quota-recount.job';
import { PruneWebhookDeliveriesJob } from './infrastructure/webhooks/jobs/prune-webhook-deliveries.job';
import { DomainEventCatalog, domainEventContribution } from './infrastructure/outbox/domain-event-catalog';
import { JobRunner } from './infrastructure/jobs/job-runner';
import { RecurringJobs } from './infrastructure/jobs/recurring-jobs';
import { JobAdministration } from './application/jobs';
import { DomainEventSubscriber, JOB_INSPECTOR, STORAGE_USAGE } from './application/ports';
import { JobsAdminController, JobsController } from './api/jobs/jobs.controller';
import { DashboardSessionController } from './api/ops/dashboard-session.controller';
import { DashboardSessions } from './infrastructure/auth/dashboard-session';
import { LoggerModule } from 'nestjs-pino';
import { MetricsController } from './api/ops/metrics.controller';
import { loggingParams } from './infrastructure/observability/logging';
import { Metrics } from './infrastructure/observability/metrics';
import { QueueMetrics } from './infrastructure/observability/queue-metrics';
import { QueueHealthCheck } from './infrastructure/jobs/queue-health';
import { EventsController } from './api/live-events/events.controller';
import { LIVE_EVENT_STREAMS, LIVE_STREAM_LEASES, LiveEventsSubscriber } from './application/live-events';
import { LiveEventHub, RedisLiveEventPublisher } from './infrastructure/live-events/redis-live-events';
import { RedisLiveStreamLeases } from './infrastructure/live-events/redis-live-stream-leases';
import { LIVE_EVENT_PUBLISHER } from './application/ports';
import { SqlStorageUsage } from './infrastructure/persistence/sql-storage-usage';
import { UsageController } from './api/files/usage.controller';
import { SqlFileReadModel } from './infrastructure/persistence/sql-file-read-model';
import { buildStorageProviders } from './infrastructure/storage-providers/provider-catalog';
import { InMemoryStorageProviderRegistry } from './infrastructure/storage-providers/storage-provider.registry';
import { SystemClock, UuidV7Generator } from './infrastructure/system/system-clock';
import { WebhooksController } from './api/webhooks/webhooks.controller';
import { WebhookEventSubscriber } from './application/webhooks';
import { WebhookDeliveryJob } from './infrastructure/webhooks/jobs/webhook-delivery.job';
import { webhookProviders } from './infrastructure/webhooks/webhook.providers';
import { ThumbnailsController } from './api/files/thumbnails.controller';
import { MEDIA_COMMAND_HANDLERS, MEDIA_QUERY_HANDLERS, ThumbnailOnUploadSubscriber } from './application/media';
import { MEDIA_PROVIDERS } from './infrastructure/media/media.providers';
import { ThumbnailsJob } from './infrastructure/media/jobs/thumbnails.job';
import { RELOCATION_COMMAND_HANDLERS, RELOCATION_SERVICES, RelocatedObjectCleanup } from './application/relocation';
import { RELOCATION_PROVIDERS } from './infrastructure/relocation/relocation.providers';
import { DeleteGivenUpCopiesJob } from './infrastructure/relocation/jobs/delete-given-up-copies.job';
import { RelocateFileJob } from './infrastructure/relocation/jobs/relocate-file.job';
import { RelocateProviderJob } from './infrastructure/relocation/jobs/relocate-provider.job';

export interface AppModuleOptions {
  config: AppConfig;
  runtime: RuntimeSettings;
  /** Serve HTTP (controllers). */
  api: boolean;
  /** Run BullMQ processors and recurring jobs. */
  workers: boolean;
}

/**
 * The composition root. `npm start` builds it with api and workers, `start:worker` with workers
 * only, so the two scale separately.
 */
/** Classes implementing DomainEventSubscriber (thumbnails, webhooks, live events add theirs). */
const EVENT_SUBSCRIBER_CLASSES: Type<DomainEventSubscriber>[] = [WebhookEventSubscriber, ThumbnailOnUploadSubscriber, LiveEventsSubscriber, RelocatedObjectCleanup];

@Module({})
export class AppModule {
  static register(options: AppModuleOptions): DynamicModule {
    const { config, runtime } = options;
    const core: Provider[] = [
      { provide: APP_CONFIG, useValue: config },
      { provide: Metrics, useValue: new Metrics() },
      QueueMetrics,
      { provide: RUNTIME, useValue: runtime },
      { provide: CLOCK, useClass: SystemClock },
      { provide: ID_GENERATOR, useClass: UuidV7Generator },
      MikroFileRepository,
      { provide: FILE_REPOSITORY, useExisting: MikroFileRepository },
      { provide: FILE_READ_MODEL, useClass: SqlFileReadModel },
      {
        provide: STORAGE_PROVIDER_REGISTRY,
        useFactory: async () => new InMemoryStorageProviderRegistry(await buildStorageProviders({ config, databaseUrl: runtime.databaseUrl })),
      },
      {
        provide: UPLOAD_POLICY,
        useValue: {
          maxFileSize: config.maxFileSize,
          storageQuotaBytes: config.storageQuotaBytes,
          selector: new StorageProviderSelector(config.storage.rules, config.storage.defaultProvider),
        } satisfies UploadPolicy,
      },
      DomainEventCatalog,
      ...domainEventContribution([...FILE_EVENTS, ...USER_EVENTS, ...UPLOAD_SESSION_EVENTS, ...RETRIEVAL_EVENTS], EVENT_SUBSCRIBER_CLASSES),
      { provide: UPLOAD_SESSION_REPOSITORY, useClass: MikroUploadSessionRepository },
      { provide: UPLOAD_STAGING, useFactory: () => buildUploadStaging(config, runtime.databaseUrl) },
      {
        provide: UPLOAD_LOCK,
        useFactory: () => new RedisUploadLock(redisOptionsFromUrl(runtime.redisUrl), { keyPrefix: config.queuePrefix, ttlMs: config.uploads.lockTtlMs }),
      },
      {
        provide: UPLOAD_SETTINGS,
        useValue: {
          maxSize: config.uploads.maxSize,
          ttlMs: config.uploads.ttlSeconds * 1000,
          maxActivePerUser: config.uploads.maxActivePerUser,
          maxReservedBytesPerUser: config.uploads.maxReservedBytesPerUser,
          directMaxBytes: config.uploads.directMaxBytes,
          endedRetentionMs: config.uploads.retentionSeconds * 1000,
        } satisfies UploadSettings,
      },
      {
        provide: REDIS_CLIENT,
        useFactory: () => new ManagedRedis(redisOptionsFromUrl(runtime.redisUrl)),
      },
      { provide: RETRIEVAL_REQUEST_REPOSITORY, useClass: MikroRetrievalRequestRepository },
      { provide: RETRIEVAL_POLLS, useClass: BullmqRetrievalPolls },
      {
        provide: RETRIEVAL_SETTINGS,
        useValue: {
          defaultDays: config.retrieval.defaultDays,
          schedule: new RetrievalSchedule({ pollMs: config.retrieval.pollMs, giveUpFactor: config.retrieval.giveUpFactor }),
          // Late by two sweep periods means lost (a check runs in seconds; checks are claimed, so a
          // sweep that re-schedules a slow one costs a status request at most).
          overdueAfterMs: 2 * config.retrieval.sweepIntervalMs,
        } satisfies RetrievalSettings,
      },
      OutboxNotifier,
      OutboxWriter,
      OutboxRelay,
      OutboxKick,
      ...FILE_COMMAND_HANDLERS,
      ...FILE_QUERY_HANDLERS,
      ...UPLOAD_SERVICES,
      ...UPLOAD_COMMAND_HANDLERS,
      ...UPLOAD_QUERY_HANDLERS,
      ...RETRIEVAL_SERVICES,
      ...RETRIEVAL_COMMAND_HANDLERS,
      ...RETRIEVAL_QUERY_HANDLERS,
      DeadLetters,
      QueueHealthCheck,
      { provide: STORAGE_USAGE, useClass: SqlStorageUsage },
      { provide: LIVE_EVENT_PUBLISHER, useClass: RedisLiveEventPublisher },
      { provide: JOB_INSPECTOR, useClass: BullJobInspector },
      // Reliable reactions to domain events (one job per subscriber and event); features add theirs here.
      JobAdministration,
      ...webhookProviders(config),
      ...MEDIA_PROVIDERS,
      ...MEDIA_COMMAND_HANDLERS,
      ...MEDIA_QUERY_HANDLERS,
      ...RELOCATION_PROVIDERS,
      ...RELOCATION_SERVICES,
      ...RELOCATION_COMMAND_HANDLERS,
    ];
    const api: Provider[] = options.api
      ? [...AUTH_PROVIDERS, DashboardSessions, LiveEventHub, RedisLiveStreamLeases, { provide: LIVE_EVENT_STREAMS, useExisting: LiveEventHub }, { provide: LIVE_STREAM_LEASES, useExisting: RedisLiveStreamLeases }, { provide: APP_FILTER, useClass: ProblemFilter }, { provide: HTTP_SETTINGS, useValue: { publicUrl: config.publicUrl } satisfies HttpSettings }]
      : [];
    const workers: Provider[] = options.workers ? [DomainEventsJob, OutboxRelayJob, UploadSweepJob, RetrievalSweepJob, PurgeDeletedFilesJob, QuotaRecountJob, PruneWebhookDeliveriesJob, RetrievalCheckJob, NoopJob, SleepJob, WebhookDeliveryJob, ThumbnailsJob, RelocateFileJob, RelocateProviderJob, DeleteGivenUpCopiesJob, JobRunner, RecurringJobs] : [];

    return {
      module: AppModule,
      imports: [
        // Repositories fork the EntityManager per call, so no per-request context (and no async-hooks cost).
        MikroOrmModule.forRoot({ ...buildOrmOptions(runtime.databaseUrl), registerRequestContext: false }),
        LoggerModule.forRoot(loggingParams(config)),
        CqrsModule.forRoot(),
        BullModule.forRoot({ connection: redisOptionsFromUrl(runtime.redisUrl), prefix: config.queuePrefix }),
        // Each queue's retry policy: exponential backoff, jittered to 50–100 % of each delay; finished jobs kept a while for the status API.
        BullModule.registerQueue(
          ...QUEUE_NAMES.map((name) => ({
            name,
            defaultJobOptions: {
              attempts: config.jobs.queues[name].attempts,
              backoff: { type: 'exponential', delay: config.jobs.queues[name].backoffMs, jitter: 0.5 },
              removeOnComplete: { age: 86_400, count: 10_000 },
              removeOnFail: { age: 7 * 86_400 },
            },
          })),
          { name: DEAD_LETTER_QUEUE },
        ),
        DiscoveryModule,
        PassportModule,
        // In-process counters: with several API instances each enforces the limit on its own.
        ThrottlerModule.forRoot([{ name: 'default', ttl: config.authRateLimit.windowSeconds * 1000, limit: config.authRateLimit.limit }]),
        TerminusModule,
      ],
      controllers: options.api ? [AuthController, FilesController, ThumbnailsController, UploadsController, RetrievalsController, RelocationsController, WebhooksController, JobsController, JobsAdminController, DashboardSessionController, EventsController, UsageController, HealthController, MetricsController] : [],
      providers: [...core, ...api, ...workers],
    };
  }
}
