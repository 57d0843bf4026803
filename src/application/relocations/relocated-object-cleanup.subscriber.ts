import { Inject, Injectable } from '@nestjs/common';
import { FileRelocated } from '../../domain/file';
import { DomainEvent } from '../../domain/shared';
import { DomainEventSubscriber } from '../ports/domain-event-subscriber';
import { STORAGE_PROVIDER_REGISTRY, StorageProviderRegistry } from '../ports';

/**
 * Removes the copies a moved file no longer points at. It runs after the move is saved (the event
 * is relayed from the same commit), so a crash can leave an old copy behind but never a file whose
 * bytes are gone; a provider that cannot be reached makes the job fail and be retried. Deleting a
 * missing object is no error, so a redelivered event does no harm.
 */
@Injectable()
export class RelocatedObjectCleanup implements DomainEventSubscriber {
  readonly name = 'relocated-object-cleanup';
  readonly events = [FileRelocated.eventName];

  constructor(@Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: StorageProviderRegistry) {}

  async handle(event: DomainEvent): Promise<void> {
    for (const { providerId, key } of (event as FileRelocated).payload.from) {
      // A provider removed from the deployment since: nothing this instance can delete.
      if (this.providers.has(providerId)) await this.providers.get(providerId).delete(key);
    }
  }
}
