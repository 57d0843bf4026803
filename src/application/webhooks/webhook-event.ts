import { DomainEvent } from '../../domain/shared';
import { WEBHOOK_PING } from '../../domain/webhooks';
import { WebhookEvent } from './ports';

/** The aggregate id's name in `data`, by the event name's first part. */
const ID_FIELD: Record<string, string> = { file: 'fileId', retrieval: 'retrievalId', upload: 'uploadId' };

/** Payload fields that name internals and never leave the service (none of today's events has one). */
const INTERNAL_FIELDS = new Set(['storageKey', 'key', 'locations', 'location', 'restoreHandle']);

/** A relayed domain event as receivers see it: `{ id, type, occurredAt, data: { ...payload, <aggregate>Id } }`. */
export function toWebhookEvent(event: DomainEvent): WebhookEvent {
  if (!event.eventId)
    throw new Error(`Event ${event.eventName} of ${event.aggregateId} has no id (it was not relayed from the outbox)`);
  const idField = ID_FIELD[event.eventName.split('.')[0]] ?? 'aggregateId';
  const data = Object.fromEntries(Object.entries(event.payload).filter(([field]) => !INTERNAL_FIELDS.has(field)));
  return {
    id: event.eventId,
    type: event.eventName,
    occurredAt: new Date(event.occurredAt).toISOString(),
    data: { ...data, [idField]: event.aggregateId },
  };
}

export function pingEvent(id: string, webhookId: string, now: Date): WebhookEvent {
  return { id, type: WEBHOOK_PING, occurredAt: now.toISOString(), data: { webhookId } };
}
