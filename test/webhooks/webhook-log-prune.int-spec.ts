import { randomUUID } from 'node:crypto';
import { SqlWebhookDeliveryLog } from '../../src/infrastructure/persistence/sql-webhook-delivery-log';
import { api } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';
import { WEBHOOK_DELIVERY_LOG } from '../../src/application/webhooks/ports';

describe('webhook delivery log retention', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOKS_ALLOW_HTTP: 'true' });
  });
  afterAll(() => t?.close());

  it('forgets attempts older than the retention and keeps the recent ones', async () => {
    const token = t.tokenFor('0196f000-0000-7000-8000-00000000c9c9');
    const endpoint = await api(t.baseUrl, 'POST', '/api/v1/webhooks', token, {
      url: 'http://127.0.0.1:9/hook',
      events: ['file.uploaded'],
    });
    expect(endpoint.status).toBe(201);
    const log = t.app.get<SqlWebhookDeliveryLog>(WEBHOOK_DELIVERY_LOG);
    const old = new Date(Date.now() - 40 * 86_400_000);
    await log.started({
      id: randomUUID(),
      endpointId: endpoint.body.id,
      eventId: randomUUID(),
      eventType: 'file.uploaded',
      attempt: 1,
      createdAt: old,
    });
    await log.started({
      id: randomUUID(),
      endpointId: endpoint.body.id,
      eventId: randomUUID(),
      eventType: 'file.uploaded',
      attempt: 1,
      createdAt: new Date(),
    });
    expect(await log.prune(new Date(Date.now() - 30 * 86_400_000))).toBe(1);
    const page = await api(t.baseUrl, 'GET', `/api/v1/webhooks/${endpoint.body.id}/deliveries`, token);
    expect(page.body.items).toHaveLength(1);
  });
});
