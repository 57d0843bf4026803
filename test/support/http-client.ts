import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';

export interface UploadOptions {
  token?: string;
  fields?: Record<string, string>;
  /** Fields sent after the file part. */
  lateFields?: Record<string, string>;
  filename?: string;
  /**
   * The file part's Content-Disposition parameters after `name="file"`, sent as they are (e.g.
   * `filename*=UTF-8''%E5%86%99.jpg`); instead of `filename`.
   */
  fileParams?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Send with Transfer-Encoding: chunked instead of a Content-Length. */
  chunked?: boolean;
}

export interface JsonResponse<T = any> {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: T;
}

/** Pseudo-random bytes generated while sending, so a large upload never sits in the test's memory. */
export function* randomChunks(size: number, chunkSize = 1024 * 1024): Generator<Buffer> {
  let left = size;
  while (left > 0) {
    const n = Math.min(chunkSize, left);
    yield randomBytes(n);
    left -= n;
  }
}

/**
 * Streams a multipart/form-data upload (fields, the file part, late fields) with a real
 * Content-Length, hashing the file bytes as they go out.
 */
export function uploadMultipart(
  baseUrl: string,
  content: Buffer | Iterable<Buffer>,
  size: number,
  options: UploadOptions = {},
): Promise<JsonResponse & { sentSha256: string }> {
  const boundary = `----flexstorage${randomBytes(8).toString('hex')}`;
  const fieldPart = (name: string, value: string) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  const head = Buffer.concat([
    ...Object.entries(options.fields ?? {}).map(([k, v]) => fieldPart(k, v)),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; ${options.fileParams ?? `filename="${quote(options.filename ?? 'file.bin')}"`}\r\n` +
        `Content-Type: ${options.contentType ?? 'application/octet-stream'}\r\n\r\n`,
    ),
  ]);
  const tail = Buffer.concat([
    Buffer.from('\r\n'),
    ...Object.entries(options.lateFields ?? {}).map(([k, v]) => fieldPart(k, v)),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  const hash = createHash('sha256');
  const url = new URL('/api/v1/files', baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        ...(options.chunked ? {} : { 'content-length': String(head.length + size + tail.length) }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          body: text ? JSON.parse(text) : undefined,
          sentSha256: hash.digest('hex'),
        });
      });
    });
    req.on('error', reject);
    (async () => {
      const write = (b: Buffer) =>
        req.write(b) ? Promise.resolve() : new Promise<void>((r) => req.once('drain', () => r()));
      await write(head);
      for (const chunk of Buffer.isBuffer(content) ? [content] : content) {
        hash.update(chunk);
        await write(chunk);
      }
      req.end(tail);
    })().catch(() => undefined); // the server may answer (413) and close before we finish sending
  });
}

export async function api<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const res = await fetch(new URL(path, baseUrl), {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body: parsed as T };
}

/** Downloads and hashes a body as it streams in; without a token for a public (signed) URL. */
export async function download(
  baseUrl: string,
  path: string,
  token: string | undefined,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: Record<string, string>; sha256: string; size: number; bytes?: Buffer }> {
  const res = await fetch(new URL(path, baseUrl), {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
  const hash = createHash('sha256');
  let size = 0;
  const small: Buffer[] = [];
  for await (const chunk of res.body ?? []) {
    const b = Buffer.from(chunk as Uint8Array);
    hash.update(b);
    size += b.length;
    if (size <= 1024 * 1024) small.push(b);
  }
  return {
    status: res.status,
    headers: Object.fromEntries(res.headers.entries()),
    sha256: hash.digest('hex'),
    size,
    bytes: size <= 1024 * 1024 ? Buffer.concat(small) : undefined,
  };
}

/** A quoted-string body: backslashes and quotes escaped, as a browser would send them. */
function quote(value: string): string {
  return value.replace(/[\\"]/g, (c) => `\\${c}`);
}
