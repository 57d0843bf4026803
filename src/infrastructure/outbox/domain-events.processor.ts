import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { Job } from 'bullmq';
import { DomainEventRegistry } from '../../domain/shared';
import { QUEUES } from '../jobs/queues';
import { RelayedBatchData } from './outbox.relay';

/** Turns relayed rows back into event classes and publishes them on the CQRS EventBus. */
@Processor(QUEUES.domainEvents, { concurrency: 32 })
export class DomainEventsProcessor extends WorkerHost {
  private readonly logger = new Logger(DomainEventsProcessor.name);

  constructor(
    private readonly eventBus: EventBus,
    private readonly registry: DomainEventRegistry,
  ) {
    super();
  }

  async process(job: Job<RelayedBatchData>): Promise<void> {
    // Resolve every class first: a batch is published whole or (on an unknown event) not at all.
    const events = job.data.events.map(({ eventId, eventName, aggregateId, payload, occurredAt }) => {
      const EventClass = this.registry.resolve(eventName);
      if (!EventClass) {
        // Retrying cannot help an event this build does not know; keep it visible in the failed set.
        this.logger.error(`No event class is registered for "${eventName}" (event ${eventId})`);
        throw new Error(`Unknown event ${eventName}`);
      }
      const event = new EventClass(aggregateId, payload, occurredAt);
      event.eventId = eventId;
      return event;
    });
    this.eventBus.publishAll(events);
  }
}
