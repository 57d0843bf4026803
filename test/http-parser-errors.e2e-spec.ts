import { connect } from 'node:net';
import { startTestApp, TestApp } from './support/test-app';
import { until } from './support/until';

/** Sends raw bytes on a fresh connection and resolves with everything the server sends before closing. */
function exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.end(request);
  });
}

function parse(raw: string): { status: number; headers: string; body: Record<string, unknown> } {
  const [head, body] = raw.split('\r\n\r\n', 2);
  return { status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: JSON.parse(body) as never };
}

describe("Requests Node's HTTP parser refuses answer problem+json like every other error", () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp();
    port = Number(new URL(t.baseUrl).port);
  });
  afterAll(() => t?.close());

  it('answers headers over 16 KiB with 431 headers-too-large', async () => {
    const raw = await exchange(
      port,
      `GET /api/v1/files HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`,
    );
    const { status, headers, body } = parse(raw);
    expect(status).toBe(431);
    expect(headers).toContain('content-type: application/problem+json');
    expect(body).toMatchObject({ status: 431, title: 'Request Header Fields Too Large' });
    expect(body.type).toMatch(/\/headers-too-large$/);
  });

  it('answers a request that is not HTTP with 400 malformed-request', async () => {
    const { status, body } = parse(await exchange(port, 'HELLO\r\n\r\n'));
    expect(status).toBe(400);
    expect(body).toMatchObject({ status: 400, detail: 'The request is not valid HTTP/1.1.' });
    expect(body.type).toMatch(/\/malformed-request$/);
  });

  it('answers a malformed chunk with 400 on a kept-alive connection, after a whole answer to an earlier request', async () => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (c: Buffer) => (received += c.toString('utf8')));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => /\r\n\r\n\{.*\}$/s.test(received), 'the answer to the first request');
    const first = received;
    socket.write(
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n' +
        'Content-Type: application/json\r\n\r\nzz\r\n',
    );
    await closed;
    expect(first).toMatch(/^HTTP\/1\.1 (200|503) /);
    const { status, body } = parse(received.slice(first.length));
    expect(status).toBe(400);
    expect(body.type).toMatch(/\/malformed-request$/);
  });
});
