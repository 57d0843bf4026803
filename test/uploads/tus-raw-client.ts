import * as http from 'node:http';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { Client } from 'pg';
import { digest as rawDigest, sha256 } from '../support/hashing';
import { download } from '../support/http-client';
import { expectProblem as expectAnyProblem } from '../support/problem';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * tus 1.0 spoken by hand (raw HTTP) to the real app: the client, the assertions and the one-app
 * setup the tus protocol suites share.
 */

export const TUS = '1.0.0';
export const UPLOADS = '/api/v1/uploads';
export const OFFSET_STREAM = 'application/offset+octet-stream';
export const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

export interface TusResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The parsed body when it is JSON (problem details). */
  json?: any;
}

export interface TusRequest {
  token?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Send these pieces with Transfer-Encoding: chunked (no Content-Length). */
  chunked?: Buffer[];
  /** Tus-Resumable to send; null leaves it out. */
  tusResumable?: string | null;
}

/** One raw HTTP request (fresh connection), resolving with the whole response. */
export function request(
  baseUrl: string,
  method: string,
  target: string,
  options: TusRequest = {},
): Promise<TusResponse> {
  const url = new URL(target, baseUrl);
  const headers: Record<string, string> = {};
  const tusResumable = options.tusResumable === undefined ? TUS : options.tusResumable;
  if (tusResumable !== null) headers['tus-resumable'] = tusResumable;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body) headers['content-length'] = String(options.body.length);
  Object.assign(headers, lowerKeys(options.headers ?? {}));
  return new Promise((resolve, reject) => {
    let settled = false;
    const req = http.request(url, { method, headers, agent: false });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        settled = true;
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode!, headers: res.headers, text, json });
      });
      res.on('error', (e) => !settled && reject(e));
    });
    // The server may answer (413, 415) and close before it reads the body: that is not a failure.
    req.on('error', (e) => !settled && setTimeout(() => !settled && reject(e), 200));
    if (options.chunked) {
      for (const piece of options.chunked) req.write(piece);
      req.end();
    } else {
      req.end(options.body);
    }
  });
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

/** A PATCH whose body is sent piece by piece, for holding an upload's lock while others knock. */
export function streamingPatch(baseUrl: string, target: string, token: string, offset: number, totalLength: number) {
  const req = http.request(new URL(target, baseUrl), {
    method: 'PATCH',
    agent: false,
    headers: {
      'tus-resumable': TUS,
      authorization: `Bearer ${token}`,
      'content-type': OFFSET_STREAM,
      'upload-offset': String(offset),
      'content-length': String(totalLength),
    },
  });
  const response = new Promise<TusResponse>((resolve, reject) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
  });
  req.flushHeaders();
  return { write: (b: Buffer) => req.write(b), end: (b?: Buffer) => req.end(b), response };
}

export const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** `key base64,key2 base64,flag`; a null value is a bare key. */
export function uploadMetadata(pairs: Record<string, string | null>): string {
  return Object.entries(pairs)
    .map(([k, v]) => (v === null ? k : `${k} ${b64(v)}`))
    .join(',');
}

/** The pairs of an Upload-Metadata header; a key such as `__proto__` is kept as a key. */
export function parseMetadataHeader(header: string | undefined): Record<string, string | null> {
  return Object.fromEntries(
    (header ?? '')
      .split(',')
      .filter(Boolean)
      .map((item) => {
        const [k, v] = item.trim().split(' ');
        return [k, v === undefined ? null : Buffer.from(v, 'base64').toString('utf8')];
      }),
  );
}

/** An Upload-Checksum value: the digest in base64. */
export const digest = (algorithm: string, data: Buffer) => rawDigest(algorithm, data).toString('base64');
export const idOf = (location: string) => new URL(location).pathname.split('/').pop()!;

export async function sizeOnDisk(file: string): Promise<number | undefined> {
  return stat(file).then(
    (s) => s.size,
    () => undefined,
  );
}

/** What each spec needs to talk tus to one running app. */
export class TusClient {
  private seq = 0;
  constructor(
    readonly t: TestApp,
    readonly db: Client,
    private readonly userPrefix: string,
  ) {}

  /** A fresh user per test, so quotas and dedup never leak between specs. */
  user(roles: string[] = ['user']): { id: string; token: string } {
    const id = `0196f000-0000-7000-${this.userPrefix}-${(++this.seq).toString(16).padStart(12, '0')}`;
    return { id, token: this.t.tokenFor(id, roles) };
  }

  send(method: string, target: string, options: TusRequest = {}): Promise<TusResponse> {
    return request(this.t.baseUrl, method, target, options);
  }

  create(
    token: string,
    o: {
      length?: number;
      defer?: boolean;
      metadata?: string;
      concat?: string;
      body?: Buffer;
      headers?: Record<string, string>;
    } = {},
  ): Promise<TusResponse> {
    const headers: Record<string, string> = {};
    if (o.length !== undefined) headers['upload-length'] = String(o.length);
    if (o.defer) headers['upload-defer-length'] = '1';
    if (o.metadata !== undefined) headers['upload-metadata'] = o.metadata;
    if (o.concat !== undefined) headers['upload-concat'] = o.concat;
    if (o.body) headers['content-type'] = OFFSET_STREAM;
    return this.send('POST', UPLOADS, { token, body: o.body, headers: { ...headers, ...o.headers } });
  }

  /** Creates an upload and answers its absolute URL and id. */
  async created(
    token: string,
    o: Parameters<TusClient['create']>[1] = {},
  ): Promise<{ url: string; id: string; res: TusResponse }> {
    const res = await this.create(token, o);
    expect(res.status).toBe(201);
    return { url: res.headers.location!, id: idOf(res.headers.location!), res };
  }

  patch(
    token: string,
    url: string,
    offset: number,
    chunk: Buffer,
    headers: Record<string, string> = {},
  ): Promise<TusResponse> {
    return this.send('PATCH', url, {
      token,
      body: chunk,
      headers: { 'content-type': OFFSET_STREAM, 'upload-offset': String(offset), ...headers },
    });
  }

  head(token: string, url: string): Promise<TusResponse> {
    return this.send('HEAD', url, { token });
  }

  async offsetOf(token: string, url: string): Promise<number> {
    const res = await this.head(token, url);
    expect(res.status).toBe(200);
    return Number(res.headers['upload-offset']);
  }

  /** Sends `data` in chunks of `chunkSize` by PATCH; answers the last response. */
  async sendAll(token: string, url: string, data: Buffer, chunkSize: number, from = 0): Promise<TusResponse> {
    let last: TusResponse | undefined;
    for (let at = from; at < data.length; at += chunkSize) {
      last = await this.patch(token, url, at, data.subarray(at, Math.min(at + chunkSize, data.length)));
      expect(last.status).toBe(204);
      expect(last.headers['upload-offset']).toBe(String(Math.min(at + chunkSize, data.length)));
    }
    return last!;
  }

  stagedFile(id: string): string {
    return path.join(this.t.dataDir, 'uploads', id.slice(-2), id);
  }

  async session(
    id: string,
  ): Promise<{ status: string; upload_offset: string; length: string | null; file_id: string | null } | undefined> {
    const { rows } = await this.db.query(
      'select status, upload_offset, length, file_id from upload_sessions where id = $1',
      [id],
    );
    return rows[0];
  }

  async count(table: 'upload_sessions' | 'files', ownerId: string): Promise<number> {
    const { rows } = await this.db.query(`select count(*)::int as n from ${table} where owner_id = $1`, [ownerId]);
    return rows[0].n;
  }

  async downloaded(token: string, fileId: string): Promise<Buffer> {
    const got = await download(this.t.baseUrl, `/api/v1/files/${fileId}/content`, token);
    expect(got.status).toBe(200);
    return got.bytes!;
  }
}

export async function connect(t: TestApp): Promise<Client> {
  const db = new Client({ connectionString: t.db.url });
  await db.connect();
  return db;
}

/** Byte-exact comparison (jest's toEqual walks a Buffer byte by byte, which is slow). */
export function expectSameBytes(actual: Buffer | undefined, expected: Buffer): void {
  expect({ size: actual?.length, sha256: actual && sha256(actual) }).toEqual({
    size: expected.length,
    sha256: sha256(expected),
  });
}

/** A problem+json answer that, like every tus answer, carries Tus-Resumable. */
export function expectProblem(res: TusResponse, status: number, code?: string): void {
  expectAnyProblem(res, status, code);
  expect(res.headers['tus-resumable']).toBe(TUS);
}

/**
 * One app for a suite, with its own database, and a tus client on it whose users' ids carry
 * `userPrefix`; close() stops both.
 */
export async function startTusApp(
  env: Record<string, string>,
  userPrefix: string,
): Promise<{ t: TestApp; c: TusClient; close: () => Promise<void> }> {
  const t = await startTestApp(env);
  const c = new TusClient(t, await connect(t), userPrefix);
  return {
    t,
    c,
    close: async () => {
      await c.db.end();
      await t.close();
    },
  };
}
