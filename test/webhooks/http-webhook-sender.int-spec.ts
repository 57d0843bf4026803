import { WebhookSecret, WebhookUrl } from '../../src/domain/webhooks';
import { HttpWebhookSender } from '../../src/infrastructure/webhooks/http-webhook-sender';
import { DnsWebhookTargets, HostResolver } from '../../src/infrastructure/webhooks/webhook-targets';
import { WebhookReceiver } from './webhook-receiver';

const secret = WebhookSecret.of('a-secret-that-is-long-enough-123');
const event = {
  id: '0196a3c1-0000-7000-8000-000000000001',
  type: 'ping',
  occurredAt: '2026-01-01T00:00:00.000Z',
  data: { webhookId: 'w' },
};

describe('HttpWebhookSender (real HTTP to a local receiver)', () => {
  let receiver: WebhookReceiver;
  const send = (sender: HttpWebhookSender, url: string, signal = new AbortController().signal) =>
    sender.send({ url: WebhookUrl.parse(url, { allowHttp: true }), secret, event, deliveryId: 'd-1', signal });
  const allowing = (resolve?: HostResolver) => new DnsWebhookTargets({ allowPrivateNetworks: true, resolve });
  const refusing = (resolve?: HostResolver) => new DnsWebhookTargets({ allowPrivateNetworks: false, resolve });

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
  });
  afterAll(() => receiver.close());

  it('connects to the address the check approved, not to whatever DNS answers later', async () => {
    let lookups = 0;
    // Rebinding: the first answer (the one checked) is the receiver; any later one would be elsewhere.
    const rebinding: HostResolver = async () =>
      lookups++ === 0 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '10.9.9.9', family: 4 }];
    receiver.expectSecret('/pinned', secret.value);
    const result = await send(
      new HttpWebhookSender(allowing(rebinding)),
      `http://hooks.invalid:${receiver.port}/pinned`,
    );
    expect(result).toMatchObject({ verdict: 'delivered', responseStatus: 200, error: null });
    expect(lookups).toBe(1);
    const [got] = receiver.at('/pinned');
    expect(got.headers.host).toBe(`hooks.invalid:${receiver.port}`);
    expect(got.signatureValid).toBe(true);
  });

  it('refuses a name resolving to a private address without connecting, permanently', async () => {
    const before = receiver.received.length;
    const result = await send(
      new HttpWebhookSender(refusing(async () => [{ address: '127.0.0.1', family: 4 }])),
      `http://evil.invalid:${receiver.port}/x`,
    );
    expect(result.verdict).toBe('permanent');
    expect(result.error).toMatch(/evil\.invalid.*127\.0\.0\.1.*loopback/);
    expect(receiver.received.length).toBe(before);
  });

  it('refuses a name with one public and one private address', async () => {
    const mixed: HostResolver = async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '::ffff:169.254.169.254', family: 6 },
    ];
    const result = await send(new HttpWebhookSender(refusing(mixed)), 'https://mixed.invalid/x');
    expect(result).toMatchObject({ verdict: 'permanent', responseStatus: null });
    expect(result.error).toMatch(/link-local/);
  });

  it('does not follow a redirect', async () => {
    receiver.script('/moved', [{ status: 302, headers: { location: `http://127.0.0.1:${receiver.port}/elsewhere` } }]);
    const result = await send(new HttpWebhookSender(allowing()), receiver.url('/moved'));
    expect(result.verdict).toBe('permanent');
    expect(result.error).toMatch(/302.*redirects are not followed/);
    expect(receiver.at('/elsewhere')).toHaveLength(0);
  });

  it('keeps at most 4 KiB of the answer', async () => {
    receiver.script('/chatty', [{ status: 200, body: 'x'.repeat(1024 * 1024) }]);
    const result = await send(new HttpWebhookSender(allowing()), receiver.url('/chatty'));
    expect(result.verdict).toBe('delivered');
    expect(result.responseExcerpt).toHaveLength(4096);
  });

  it('gives up on a receiver that does not answer within the timeout, to be retried', async () => {
    receiver.script('/slow', ['hang']);
    const started = Date.now();
    const result = await send(
      new HttpWebhookSender(allowing(), { timeoutMs: 300, excerptBytes: 4096 }),
      receiver.url('/slow'),
    );
    expect(result).toMatchObject({ verdict: 'retry', responseStatus: null, error: 'no answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops when the job is cancelled', async () => {
    receiver.script('/slow2', ['hang']);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled')), 100);
    const result = await send(new HttpWebhookSender(allowing()), receiver.url('/slow2'), controller.signal);
    expect(result).toMatchObject({ verdict: 'retry', error: 'stopped: cancelled' });
  });

  it('reports a refused connection as worth retrying', async () => {
    const closed = await new WebhookReceiver().start();
    const url = closed.url('/gone');
    await closed.close();
    const result = await send(new HttpWebhookSender(allowing()), url);
    expect(result).toMatchObject({ verdict: 'retry', error: 'the request failed: ECONNREFUSED' });
  });
});
