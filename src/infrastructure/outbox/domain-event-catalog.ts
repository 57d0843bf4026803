import { Injectable, OnModuleInit, Provider, Type } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { DomainEventSubscriber } from '../../application/ports';
import { DomainEventClass, DomainEventRegistry } from '../../domain/shared';

/** One feature's part in the domain events: the event classes it records and the subscribers it runs. */
export interface DomainEventContribution {
  events: readonly DomainEventClass[];
  subscribers: DomainEventSubscriber[];
}

/** The same token in every feature module that contributes: the catalog collects them all. */
export const DOMAIN_EVENT_CONTRIBUTION = Symbol('DomainEventContribution');

/** A feature module's providers for its events and subscribers (the subscriber classes included). */
export function domainEventContribution(
  events: readonly DomainEventClass[],
  subscribers: Type<DomainEventSubscriber>[] = [],
): Provider[] {
  return [
    ...subscribers,
    {
      provide: DOMAIN_EVENT_CONTRIBUTION,
      useFactory: (...found: DomainEventSubscriber[]): DomainEventContribution => ({ events, subscribers: found }),
      inject: subscribers,
    },
  ];
}

/**
 * Every feature's events and subscribers, gathered once all modules are built, so that no central
 * list has to name them: a feature module that contributes nothing simply has none here.
 */
@Injectable()
export class DomainEventCatalog implements OnModuleInit {
  readonly registry = new DomainEventRegistry();
  private readonly byName = new Map<string, DomainEventSubscriber>();

  constructor(private readonly discovery: DiscoveryService) {}

  get subscribers(): DomainEventSubscriber[] {
    return [...this.byName.values()];
  }

  subscriber(name: string): DomainEventSubscriber | undefined {
    return this.byName.get(name);
  }

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      if (wrapper.token !== DOMAIN_EVENT_CONTRIBUTION || !wrapper.instance) continue;
      const { events, subscribers } = wrapper.instance as DomainEventContribution;
      events.forEach((event) => this.registry.register(event));
      for (const subscriber of subscribers) {
        // The name is part of every subscriber job's id: two alike would share (and skip) jobs.
        if (this.byName.has(subscriber.name)) throw new Error(`Two event subscribers are named ${subscriber.name}.`);
        this.byName.set(subscriber.name, subscriber);
      }
    }
  }
}
