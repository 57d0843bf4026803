import { MikroOrmModule } from '@mikro-orm/nestjs';
import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DomainEventCatalog } from '../infrastructure/outbox/domain-event-catalog';
import { DomainEventsJob } from '../infrastructure/outbox/jobs/domain-events.job';
import { OutboxRelayJob } from '../infrastructure/outbox/jobs/outbox-relay.job';
import { OutboxKick } from '../infrastructure/outbox/outbox-kick';
import { OutboxNotifier } from '../infrastructure/outbox/outbox.notifier';
import { OutboxRelay } from '../infrastructure/outbox/outbox.relay';
import { OutboxWriter } from '../infrastructure/outbox/outbox.writer';
import { buildOrmOptions } from '../infrastructure/persistence/mikro-orm.options';
import { featureModule, ModuleOptions } from './feature-module';

/**
 * The database and the outbox: aggregates are saved with their events in one statement, the relay
 * moves the events to the domain-events queue, and that queue's job rebuilds them and runs each
 * feature's subscribers (collected by the DomainEventCatalog from the feature modules).
 */
@Module({})
export class PersistenceModule {
  static register(options: ModuleOptions): DynamicModule {
    const orm = { ...buildOrmOptions(options.runtime.databaseUrl), registerRequestContext: false };
    return featureModule(PersistenceModule, options, {
      // Repositories fork the EntityManager per call, so no per-request context (and no async-hooks cost).
      imports: [MikroOrmModule.forRoot(orm), DiscoveryModule],
      providers: [OutboxNotifier, OutboxWriter, OutboxRelay, OutboxKick, DomainEventCatalog],
      jobs: [DomainEventsJob, OutboxRelayJob],
      exports: [OutboxWriter, OutboxRelay, DomainEventCatalog],
    });
  }
}
