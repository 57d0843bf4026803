import {
  WebhookEndpoint,
  WebhookEndpointRepository,
  WebhookEndpointState,
  WebhookEventTypes,
  WebhookSecret,
  WebhookUrl,
} from '../../../domain/webhooks';
import { WebhookDeliveryLog, WebhookSender, WebhookSendRequest } from '../ports';
import { DeliverWebhookHandler } from './deliver-webhook.handler';
import { DeliverWebhookCommand } from './deliver-webhook.command';

const now = new Date('2026-01-01T00:00:00Z');
const event = { id: '0196a3c1-0000-7000-8000-000000000001', type: 'ping', occurredAt: now.toISOString(), data: {} };
const oldSecret = WebhookSecret.of('old-secret-of-enough-length-000');
const newSecret = WebhookSecret.of('new-secret-of-enough-length-000');

function setUp(endpoint: WebhookEndpoint) {
  const sent: WebhookSendRequest[] = [];
  const logged: { started: unknown[]; finished: unknown[] } = { started: [], finished: [] };
  const endpoints = { findById: async () => endpoint } as unknown as WebhookEndpointRepository;
  const sender: WebhookSender = {
    send: async (request) => (
      sent.push(request),
      { verdict: 'delivered', responseStatus: 200, responseExcerpt: 'ok', error: null, durationMs: 1 }
    ),
  };
  const log = {
    started: async (a: unknown) => void logged.started.push(a),
    finished: async (_id: string, r: unknown) => void logged.finished.push(r),
  } as unknown as WebhookDeliveryLog;
  const handler = new DeliverWebhookHandler(endpoints, sender, log, { now: () => now }, { next: () => 'd-1' });
  return {
    sent,
    logged,
    deliver: () => handler.execute(new DeliverWebhookCommand(endpoint.id, event, 1, new AbortController().signal)),
  };
}

const endpointWith = (secret: WebhookSecret, previousSecret: WebhookEndpointState['previousSecret'] = null) =>
  WebhookEndpoint.reconstitute(
    {
      id: 'e1',
      ownerId: 'alice',
      url: WebhookUrl.parse('https://example.com/h', { allowHttp: false }),
      eventTypes: WebhookEventTypes.of(['file.uploaded']),
      secret,
      previousSecret,
      active: true,
      createdAt: now,
      updatedAt: now,
    },
    1,
  );

describe('DeliverWebhookHandler', () => {
  it('signs with the replaced secret too while its grace period lasts', async () => {
    const { sent, deliver } = setUp(
      endpointWith(newSecret, { secret: oldSecret, expiresAt: new Date(now.getTime() + 1) }),
    );
    expect(await deliver()).toMatchObject({ outcome: 'succeeded' });
    expect(sent.map((r) => [r.secret, r.previousSecret])).toEqual([[newSecret, oldSecret]]);
  });

  it('fails for good, logged with why and nothing sent, when the secret cannot be read', async () => {
    const { sent, logged, deliver } = setUp(
      endpointWith(WebhookSecret.unreadable('its stored form failed authentication')),
    );
    const outcome = await deliver();
    expect(outcome).toEqual({
      outcome: 'failed',
      retryable: false,
      detail: expect.stringMatching(/signing secret cannot be read \(its stored form failed authentication\)/),
    });
    expect(sent).toEqual([]);
    expect(logged.started).toHaveLength(1);
    expect(logged.finished).toEqual([
      { status: 'failed', responseStatus: null, responseExcerpt: null, error: outcome.detail, durationMs: 0 },
    ]);
  });
});
