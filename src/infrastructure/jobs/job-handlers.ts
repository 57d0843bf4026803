import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { CommandBus, EventBus } from '@nestjs/cqrs';
import { PurgeDeletedFilesCommand } from '../../application/files';
import { WEBHOOK_DELIVERY_LOG, WebhookDeliveryLog } from '../../application/webhooks/ports';
import { DOMAIN_EVENT_SUBSCRIBERS, DomainEventSubscriber, STORAGE_USAGE, StorageUsage } from '../../application/ports';
import { CheckRetrievalCommand, SweepRetrievalsCommand } from '../../application/retrieval';
import { SweepUploadsCommand } from '../../application/uploads';
import { DomainEventRegistry } from '../../domain/shared';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OutboxRelay, RelayedBatchData } from '../outbox/outbox.relay';
import { HandlesJob, JobContext, JobHandler, PermanentJobError } from './job-handler';
import { JOBS, QUEUES } from './queues';

// The jobs of this service, one small class each: they carry ids and plain data, and hand the work
// to a command (or the relay), which is where the logic and its idempotence live.

type RelayedEvent = RelayedBatchData['events'][number];

/** A subscriber's job: one event for one subscriber (job name `subscriber:<name>`). */
interface SubscriberJobData {
  subscriber: string;
  event: RelayedEvent;
  /** The user the event concerns, so they can follow the job at GET /jobs/:id. */
  ownerId?: string;
}

const SUBSCRIBER_JOB = 'subscriber:';

/**
 * The domain-events queue. A relayed outbox batch is turned back into event classes; each event
 * becomes one job per subscriber that wants it (job id `<subscriber>-<event id>`: a batch relayed
 * twice adds nothing), and the batch is published on the CQRS EventBus. A subscriber job then runs
 * that subscriber alone, so its retries and dead letter are its own.
 */
@Injectable()
@HandlesJob(QUEUES.domainEvents, '*')
export class DomainEventsJob implements JobHandler<RelayedBatchData | SubscriberJobData> {
  constructor(
    private readonly eventBus: EventBus,
    private readonly registry: DomainEventRegistry,
    @Inject(DOMAIN_EVENT_SUBSCRIBERS) private readonly subscribers: DomainEventSubscriber[],
    @InjectQueue(QUEUES.domainEvents) private readonly queue: Queue,
  ) {}

  async handle(data: RelayedBatchData | SubscriberJobData, context: JobContext): Promise<unknown> {
    if ('subscriber' in data) return this.runSubscriber(data, context);
    // Resolve every class first: a batch is published whole or (on an unknown event) not at all.
    const events = data.events.map((e) => this.rebuild(e));
    const jobs = data.events.flatMap((relayed, i) =>
      this.subscribers
        .filter((s) => s.events.includes(events[i].eventName))
        .map((s) => ({
          name: `${SUBSCRIBER_JOB}${s.name}`,
          data: { subscriber: s.name, event: relayed, ownerId: ownerOf(relayed) } satisfies SubscriberJobData,
          opts: { jobId: `${s.name}-${relayed.eventId}` },
        })),
    );
    if (jobs.length) await this.queue.addBulk(jobs);
    this.eventBus.publishAll(events);
    return { events: events.length, subscriberJobs: jobs.length };
  }

  private async runSubscriber(data: SubscriberJobData, context: JobContext): Promise<{ subscriber: string }> {
    const subscriber = this.subscribers.find((s) => s.name === data.subscriber);
    if (!subscriber) throw new PermanentJobError(`No subscriber "${data.subscriber}" in this build (job ${context.ref})`);
    context.signal.throwIfAborted();
    await subscriber.handle(this.rebuild(data.event));
    return { subscriber: subscriber.name };
  }

  private rebuild({ eventId, eventName, aggregateId, payload, occurredAt }: RelayedEvent) {
    const EventClass = this.registry.resolve(eventName);
    // Retrying cannot help an event this build does not know; keep it visible as a dead letter.
    if (!EventClass) throw new PermanentJobError(`No event class is registered for "${eventName}" (event ${eventId})`);
    const event = new EventClass(aggregateId, payload, occurredAt);
    event.eventId = eventId;
    return event;
  }
}

function ownerOf(event: RelayedEvent): string | undefined {
  const ownerId = (event.payload as { ownerId?: unknown } | undefined)?.ownerId;
  return typeof ownerId === 'string' ? ownerId : undefined;
}

@Injectable()
@HandlesJob(QUEUES.maintenance, JOBS.outboxRelay)
export class OutboxRelayJob implements JobHandler {
  constructor(private readonly relay: OutboxRelay) {}
  async handle(_data: unknown, context: JobContext): Promise<{ relayed: number }> {
    return { relayed: await this.relay.drain(context.signal) };
  }
}

@Injectable()
@HandlesJob(QUEUES.maintenance, JOBS.uploadSweep)
export class UploadSweepJob implements JobHandler {
  constructor(private readonly commands: CommandBus) {}
  handle(): Promise<unknown> {
    return this.commands.execute(new SweepUploadsCommand());
  }
}

@Injectable()
@HandlesJob(QUEUES.maintenance, JOBS.retrievalSweep)
export class RetrievalSweepJob implements JobHandler {
  constructor(private readonly commands: CommandBus) {}
  handle(): Promise<unknown> {
    return this.commands.execute(new SweepRetrievalsCommand());
  }
}

@Injectable()
@HandlesJob(QUEUES.maintenance, JOBS.purgeDeletedFiles)
export class PurgeDeletedFilesJob implements JobHandler {
  constructor(
    private readonly commands: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}
  handle(_data: unknown, context: JobContext): Promise<unknown> {
    return this.commands.execute(new PurgeDeletedFilesCommand(this.config.jobs.deletedRetentionDays * 86_400_000, 200, context.signal));
  }
}

/** Recounts every user's storage counters from the files (quotas and GET /usage read them). */
@Injectable()
@HandlesJob(QUEUES.maintenance, JOBS.quotaRecount)
export class QuotaRecountJob implements JobHandler {
  constructor(@Inject(STORAGE_USAGE) private readonly usage: StorageUsage) {}
  async handle(): Promise<{ users: number }> {
    return { users: await this.usage.recount() };
  }
}

/** Forgets webhook delivery attempts past their retention (the log grows by one row per attempt). */
@Injectable()
@HandlesJob(QUEUES.maintenance, JOBS.pruneWebhookDeliveries)
export class PruneWebhookDeliveriesJob implements JobHandler {
  constructor(
    @Inject(WEBHOOK_DELIVERY_LOG) private readonly log: WebhookDeliveryLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}
  async handle(): Promise<{ pruned: number }> {
    return { pruned: await this.log.prune(new Date(Date.now() - this.config.jobs.webhookDeliveryRetentionDays * 86_400_000)) };
  }
}

@Injectable()
@HandlesJob(QUEUES.retrieval, JOBS.retrievalCheck)
export class RetrievalCheckJob implements JobHandler<{ retrievalId: string }> {
  constructor(private readonly commands: CommandBus) {}
  handle(data: { retrievalId: string }): Promise<unknown> {
    return this.commands.execute(new CheckRetrievalCommand(data.retrievalId));
  }
}

@Injectable()
@HandlesJob(QUEUES.diagnostics, JOBS.noop)
export class NoopJob implements JobHandler {
  async handle(): Promise<null> {
    return null;
  }
}

/** Sleeps `ms` in steps, reporting progress and stopping when its signal fires (cancel, timeout, shutdown). */
@Injectable()
@HandlesJob(QUEUES.diagnostics, JOBS.sleep)
export class SleepJob implements JobHandler<{ ms: number; steps?: number; failTimes?: number }> {
  async handle(data: { ms: number; steps?: number; failTimes?: number }, context: JobContext): Promise<{ slept: number }> {
    if (data.failTimes && context.attempt <= data.failTimes) throw new Error(`failing on purpose (attempt ${context.attempt} of ${data.failTimes} to fail)`);
    const steps = Math.max(1, Math.min(100, data.steps ?? 10));
    for (let i = 1; i <= steps; i++) {
      context.signal.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => (clearTimeout(timer), reject(context.signal.reason));
        const timer = setTimeout(() => (context.signal.removeEventListener('abort', onAbort), resolve()), data.ms / steps);
        context.signal.addEventListener('abort', onAbort, { once: true });
      });
      await context.progress((100 * i) / steps);
    }
    return { slept: data.ms };
  }
}

export const JOB_HANDLERS = [
  DomainEventsJob, OutboxRelayJob, UploadSweepJob, RetrievalSweepJob, PurgeDeletedFilesJob, QuotaRecountJob, PruneWebhookDeliveriesJob, RetrievalCheckJob, NoopJob, SleepJob,
];
