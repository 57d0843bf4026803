import { DomainEvent } from '../../domain/shared';

/**
 * Port: reacts to relayed domain events reliably. Unlike a CQRS @EventsHandler (fire and forget),
 * subscribers are awaited by the domain-events job: one that throws fails the job, which is retried
 * with backoff and dead-lettered at the end — so an event is never silently dropped. A batch may be
 * delivered again after a crash: subscribers must be idempotent (key their work by `event.eventId`).
 */
export interface DomainEventSubscriber {
  /** Event names (e.g. `file.uploaded`) this subscriber wants. */
  readonly events: readonly string[];
  handle(event: DomainEvent): Promise<void>;
}
export const DOMAIN_EVENT_SUBSCRIBERS = Symbol('DomainEventSubscribers');
