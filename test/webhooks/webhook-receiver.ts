import { createHmac, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * How a receiver checks a FlexStorage delivery (the README's snippet): HMAC-SHA256 with the
 * endpoint's secret over `<timestamp>.<raw body>`, compared in constant time, and a timestamp
 * within the tolerance so an old delivery replayed is refused.
 */
export function verifyFlexStorageSignature(
  secret: string,
  headers: http.IncomingHttpHeaders,
  rawBody: string,
  { toleranceSeconds = 300, nowSeconds = Date.now() / 1000 } = {},
): boolean {
  const timestamp = String(headers['x-flexstorage-timestamp'] ?? '');
  const signatures = String(headers['x-flexstorage-signature'] ?? '');
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest();
  return signatures.split(',').some((part) => {
    const [scheme, hex] = part.trim().split('=');
    return scheme === 'v1' && /^[0-9a-f]{64}$/.test(hex ?? '') && timingSafeEqual(Buffer.from(hex, 'hex'), expected);
  });
}

export interface ReceivedDelivery {
  path: string;
  method: string;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  body: any;
  /** Checked with the secret registered for the path (null: no secret known for it). */
  signatureValid: boolean | null;
}

type Answer = number | { status: number; body?: string; headers?: Record<string, string> } | 'hang';

/** A real HTTP receiver on 127.0.0.1: records every request, verifies signatures, answers as scripted per path. */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  private readonly secrets = new Map<string, string>();
  private readonly scripts = new Map<string, Answer[]>();
  private readonly hanging = new Set<http.ServerResponse>();
  private server?: http.Server;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = (req.url ?? '/').split('?')[0];
        const rawBody = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(rawBody);
        } catch {
          body = undefined;
        }
        const secret = this.secrets.get(path);
        this.received.push({
          path,
          method: req.method ?? '',
          headers: req.headers,
          rawBody,
          body,
          signatureValid: secret ? verifyFlexStorageSignature(secret, req.headers, rawBody) : null,
        });
        this.answer(path, res);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Signatures of requests to `path` are checked with this secret. */
  expectSecret(path: string, secret: string): void {
    this.secrets.set(path, secret);
  }

  /** Answers for the next requests to `path`, in order; the last one is repeated. Default: 200. */
  script(path: string, answers: Answer[]): void {
    this.scripts.set(path, [...answers]);
  }

  at(path: string, type?: string): ReceivedDelivery[] {
    return this.received.filter((d) => d.path === path && (type === undefined || d.body?.type === type));
  }

  async waitFor(path: string, count: number, type?: string, timeoutMs = 10_000): Promise<ReceivedDelivery[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.at(path, type).length < count) {
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${count} ${type ?? 'deliveries'} at ${path} (got ${this.at(path, type).length})`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.at(path, type);
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private answer(path: string, res: http.ServerResponse): void {
    const script = this.scripts.get(path);
    const next: Answer = script?.length ? (script.length > 1 ? script.shift()! : script[0]) : 200;
    if (next === 'hang') {
      this.hanging.add(res);
      return;
    }
    const { status, body, headers } =
      typeof next === 'number' ? { status: next, body: `answered ${next}`, headers: {} } : next;
    res.writeHead(status, { 'content-type': 'text/plain', ...headers });
    res.end(body ?? '');
  }
}
