import { DomainEvent } from './domain-event';

/**
 * Base of every aggregate: records events while behaviour methods run; the repository pulls them
 * and writes them to the outbox in the same transaction as the aggregate's state.
 */
export abstract class AggregateRoot<Id extends string = string> {
  private pendingEvents: DomainEvent[] = [];

  protected constructor(
    readonly id: Id,
    private _version: number,
  ) {}

  /** Optimistic-lock version as loaded; 0 for an aggregate never saved. */
  get version(): number {
    return this._version;
  }

  protected record(event: DomainEvent): void {
    this.pendingEvents.push(event);
  }

  pullEvents(): DomainEvent[] {
    const events = this.pendingEvents;
    this.pendingEvents = [];
    return events;
  }

  peekEvents(): readonly DomainEvent[] {
    return this.pendingEvents;
  }

  /** Called by the repository after a successful save. */
  markPersisted(version: number): void {
    this._version = version;
  }
}
