import { FileDeleted } from '../../domain/files';
import { RetrievalCompleted, RetrievalFailed } from '../../domain/retrieval';
import { DomainEvent } from '../../domain/shared';
import { UploadSessionExpired } from '../../domain/uploads';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhooks';
import { pingEvent, toWebhookEvent } from './webhook-event';
import { WebhookEventSubscriber } from './webhook-event.subscriber';

const relayed = <E extends DomainEvent>(event: E, id = '0196a3c1-0000-7000-8000-00000000000a'): E =>
  Object.assign(event, { eventId: id });

describe('toWebhookEvent', () => {
  it('sends the payload with the aggregate id under its own name', () => {
    const at = '2026-03-01T12:00:00.000Z';
    expect(toWebhookEvent(relayed(new FileDeleted('f-1', { ownerId: 'alice' }, at)))).toEqual({
      id: '0196a3c1-0000-7000-8000-00000000000a',
      type: 'file.deleted',
      occurredAt: at,
      data: { ownerId: 'alice', fileId: 'f-1' },
    });
    const ready = toWebhookEvent(
      relayed(new RetrievalCompleted('r-1', { fileId: 'f-1', ownerId: 'alice', tier: 'bulk', availableUntil: at }, at)),
    );
    expect(ready.data).toEqual({
      fileId: 'f-1',
      ownerId: 'alice',
      tier: 'bulk',
      availableUntil: at,
      retrievalId: 'r-1',
    });
    expect(
      toWebhookEvent(
        relayed(new RetrievalFailed('r-2', { fileId: 'f-1', ownerId: 'a', tier: 'standard', reason: 'gone' })),
      ).data.retrievalId,
    ).toBe('r-2');
    expect(
      toWebhookEvent(relayed(new UploadSessionExpired('u-1', { ownerId: 'alice', offset: 10, length: 100 }))).data,
    ).toEqual({
      ownerId: 'alice',
      offset: 10,
      length: 100,
      uploadId: 'u-1',
    });
  });

  it('leaves internal fields such as storage keys out', () => {
    const event = relayed(
      new FileDeleted('f-1', { ownerId: 'alice', storageKey: 'ab/secret-key', locations: [{ key: 'k' }] } as never),
    );
    expect(toWebhookEvent(event).data).toEqual({ ownerId: 'alice', fileId: 'f-1' });
  });

  it('refuses an event that was never relayed (it has no id to deduplicate by)', () => {
    expect(() => toWebhookEvent(new FileDeleted('f-1', { ownerId: 'alice' }))).toThrow(/has no id/);
  });

  it('builds a ping naming the endpoint', () => {
    expect(pingEvent('e-1', 'w-1', new Date('2026-01-01T00:00:00Z'))).toEqual({
      id: 'e-1',
      type: 'ping',
      occurredAt: '2026-01-01T00:00:00.000Z',
      data: { webhookId: 'w-1' },
    });
  });

  it('subscribes to exactly the event types endpoints can choose', () => {
    expect([...new WebhookEventSubscriber({} as never, {} as never).events]).toEqual([...WEBHOOK_EVENT_TYPES]);
    expect(WEBHOOK_EVENT_TYPES).toEqual([
      'file.uploaded',
      'file.deleted',
      'file.restored',
      'retrieval.ready',
      'retrieval.failed',
      'upload.expired',
    ]);
  });
});
