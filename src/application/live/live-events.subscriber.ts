import { Inject, Injectable } from '@nestjs/common';
import { DomainEvent } from '../../domain/shared';
import { DomainEventSubscriber, LIVE_EVENT_PUBLISHER, LiveEventPublisher } from '../ports';

// What users see live: their files, uploads and retrievals. Which aggregate id field each names.
const LIVE: Record<string, string> = {
  'file.uploaded': 'fileId',
  'file.archived': 'fileId',
  'file.metadata-updated': 'fileId',
  'file.deleted': 'fileId',
  'file.restored': 'fileId',
  'file.purged': 'fileId',
  'upload.completed': 'uploadId',
  'upload.aborted': 'uploadId',
  'upload.expired': 'uploadId',
  'retrieval.requested': 'retrievalId',
  'retrieval.ready': 'retrievalId',
  'retrieval.failed': 'retrievalId',
  'retrieval.expired': 'retrievalId',
};

/** Relays the owner's events to their live connections; a client that reconnects gets what it missed (and one too far behind re-reads its lists). */
@Injectable()
export class LiveEventsSubscriber implements DomainEventSubscriber {
  readonly name = 'live-events';
  readonly events = Object.keys(LIVE);

  constructor(@Inject(LIVE_EVENT_PUBLISHER) private readonly publisher: LiveEventPublisher) {}

  async handle(event: DomainEvent): Promise<void> {
    const { ownerId, ...rest } = event.payload as { ownerId?: unknown };
    if (typeof ownerId !== 'string') return;
    await this.publisher.publish(ownerId, {
      id: event.eventId ?? `${event.eventName}:${event.aggregateId}:${event.occurredAt}`,
      type: event.eventName,
      occurredAt: event.occurredAt,
      data: { [LIVE[event.eventName]]: event.aggregateId, ...rest },
    });
  }
}
