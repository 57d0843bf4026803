import { Inject, Injectable } from '@nestjs/common';
import { FileRelocated } from '../../domain/files';
import { DomainEvent } from '../../domain/shared';
import { DomainEventSubscriber } from '../ports/domain-event-subscriber';
import { RELOCATION_JOBS, RELOCATION_SETTINGS, RelocationJobs, RelocationSettings } from './ports';

/**
 * Removes the copies a moved file no longer points at. It runs after the move is saved (the event
 * is relayed from the same commit), so a crash can leave an old copy behind but never a file whose
 * bytes are gone. The deletion waits `RELOCATION_OLD_COPY_GRACE_S`: a download that began from the
 * old copy (a database provider streams it chunk by chunk) finishes first. It is a job of its own,
 * keyed by the event, retried (then dead-lettered) while the provider fails; a redelivered event does no harm.
 */
@Injectable()
export class RelocatedObjectCleanup implements DomainEventSubscriber {
  readonly name = 'relocated-object-cleanup';
  readonly events = [FileRelocated.eventName];

  constructor(
    @Inject(RELOCATION_JOBS) private readonly jobs: RelocationJobs,
    @Inject(RELOCATION_SETTINGS) private readonly settings: RelocationSettings,
  ) {}

  async handle(event: DomainEvent): Promise<void> {
    const { from } = (event as FileRelocated).payload;
    if (from.length === 0) return;
    await this.jobs.deleteGivenUpCopies(
      event.eventId ?? `${event.aggregateId}-${event.occurredAt}`,
      from,
      this.settings.oldCopyGraceMs,
    );
  }
}
