import { DomainEvent } from '../../domain/shared';

/**
 * Port: reacts to relayed domain events reliably. Unlike a CQRS @EventsHandler (fire and forget),
 * each subscriber gets each event it wants as a job of its own: one that throws is retried with
 * backoff and dead-lettered at the end — so an event is never silently dropped, and one failing
 * subscriber holds back neither the others nor other events. An event may still come twice (a
 * crash mid-job): subscribers must be idempotent (key their work by `event.eventId`).
 */
export interface DomainEventSubscriber {
  /** Stable name: part of the job id that makes one job per subscriber and event. */
  readonly name: string;
  /** Event names (e.g. `file.uploaded`) this subscriber wants. */
  readonly events: readonly string[];
  handle(event: DomainEvent): Promise<void>;
}
