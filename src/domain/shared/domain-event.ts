/**
 * A fact that happened to an aggregate. Events carry plain, JSON-safe data only, so that the outbox
 * can store them and the relay can rebuild the same class from a stored row (see EVENT_TYPES in
 * domain-event-registry.ts): the CQRS EventBus routes by class, so a plain object would reach no handler.
 */
export abstract class DomainEvent<P extends object = object> {
  /** Stable wire name, e.g. `file.upload-completed`. Each concrete event sets it. */
  static readonly eventName: string;

  /** Set when the event is stored in the outbox; consumers use it to stay idempotent. */
  eventId?: string;

  constructor(
    readonly aggregateId: string,
    readonly payload: P,
    readonly occurredAt: string = new Date().toISOString(),
  ) {}

  get eventName(): string {
    return (this.constructor as typeof DomainEvent).eventName;
  }
}

export type DomainEventClass = {
  /* eslint-disable-next-line @typescript-eslint/no-explicit-any --
     each class takes its own payload type; the registry rebuilds any of them from stored JSON */
  new (aggregateId: string, payload: any, occurredAt?: string): DomainEvent;
  readonly eventName: string;
};
