import { DomainEventClass } from './domain-event';

/** Maps stored event names back to their classes, so relayed events reach class-routed handlers. */
export class DomainEventRegistry {
  private readonly byName = new Map<string, DomainEventClass>();

  constructor(classes: readonly DomainEventClass[] = []) {
    classes.forEach((c) => this.register(c));
  }

  register(eventClass: DomainEventClass): void {
    const existing = this.byName.get(eventClass.eventName);
    if (existing && existing !== eventClass) throw new Error(`Two event classes are named ${eventClass.eventName}.`);
    this.byName.set(eventClass.eventName, eventClass);
  }

  resolve(eventName: string): DomainEventClass | undefined {
    return this.byName.get(eventName);
  }
}
