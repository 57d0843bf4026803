import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { Queue } from 'bullmq';
import { HandlesJob, JobContext, JobHandler, PermanentJobError } from '../../jobs/job-handler';
import { QUEUES } from '../../jobs/queues';
import { DomainEventCatalog } from '../domain-event-catalog';
import { DOMAIN_EVENTS_JOB, RelayedBatchData } from '../outbox.relay';

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
@HandlesJob(DOMAIN_EVENTS_JOB)
export class DomainEventsJob implements JobHandler<RelayedBatchData | SubscriberJobData> {
  constructor(
    private readonly eventBus: EventBus,
    private readonly catalog: DomainEventCatalog,
    @InjectQueue(QUEUES.domainEvents) private readonly queue: Queue,
  ) {}

  async handle(data: RelayedBatchData | SubscriberJobData, context: JobContext): Promise<unknown> {
    if ('subscriber' in data) return this.runSubscriber(data, context);
    // Resolve every class first: a batch is published whole or (on an unknown event) not at all.
    const events = data.events.map((e) => this.rebuild(e));
    const jobs = data.events.flatMap((relayed, i) =>
      this.catalog.subscribers
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
    const subscriber = this.catalog.subscriber(data.subscriber);
    if (!subscriber) {
      throw new PermanentJobError(`No subscriber "${data.subscriber}" in this build (job ${context.ref})`);
    }
    context.signal.throwIfAborted();
    await subscriber.handle(this.rebuild(data.event));
    return { subscriber: subscriber.name };
  }

  private rebuild({ eventId, eventName, aggregateId, payload, occurredAt }: RelayedEvent) {
    const EventClass = this.catalog.registry.resolve(eventName);
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
