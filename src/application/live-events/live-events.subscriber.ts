import { Inject, Injectable } from '@nestjs/common';
import { DomainEvent } from '../../domain/shared';
import { DomainEventSubscriber, LIVE_EVENT_PUBLISHER, LiveEventPublisher } from '../ports';

// What users see live: their files, uploads and retrievals. Which aggregate id field each names.
const LIVE: Record<string, string> = {
  'file.uploaded': 'fileId',
  // No longer recorded (file.uploaded says `archived`); kept for outbox rows an older build wrote.
  'file.archived': 'fileId',
  'file.metadata-updated': 'fileId',
  'file.deleted': 'fileId',
  'file.restored': 'fileId',
  'file.purged': 'fileId',
  'file.relocated': 'fileId',
  'upload.completed': 'uploadId',
  'upload.aborted': 'uploadId',
  'upload.expired': 'uploadId',
  'retrieval.requested': 'retrievalId',
  'retrieval.ready': 'retrievalId',
  'retrieval.failed': 'retrievalId',
  'retrieval.expired': 'retrievalId',
};

/** Payloads that carry what clients must not see (storage keys), as they are shown. */
const SHOWN: Record<string, (payload: Record<string, unknown>) => Record<string, unknown>> = {
  'file.relocated': ({ from, ...rest }) => ({
    ...rest,
    fromProviderIds: [...new Set((from as { providerId: string }[]).map((l) => l.providerId))],
  }),
};

/**
 * Relays the owner's events to their live connections; a client that reconnects gets what it missed (and one too far
 * behind re-reads its lists).
 */
@Injectable()
export class LiveEventsSubscriber implements DomainEventSubscriber {
  readonly name = 'live-events';
  readonly events = Object.keys(LIVE);

  constructor(@Inject(LIVE_EVENT_PUBLISHER) private readonly publisher: LiveEventPublisher) {}

  async handle(event: DomainEvent): Promise<void> {
    const { ownerId, ...payload } = event.payload as { ownerId?: unknown } & Record<string, unknown>;
    if (typeof ownerId !== 'string') return;
    const rest = SHOWN[event.eventName]?.(payload) ?? payload;
    await this.publisher.publish(ownerId, {
      id: event.eventId ?? `${event.eventName}:${event.aggregateId}:${event.occurredAt}`,
      type: event.eventName,
      occurredAt: event.occurredAt,
      data: { [LIVE[event.eventName]]: event.aggregateId, ...rest },
    });
  }
}
