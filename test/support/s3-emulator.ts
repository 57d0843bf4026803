import * as http from 'node:http';
import { AddressInfo } from 'node:net';

export type RestoreTier = 'Expedited' | 'Standard' | 'Bulk';

export interface S3EmulatorOptions {
  /** The real S3 API server behind (s3rver). */
  upstream: string;
  /** The only access key id accepted; others answer 403 InvalidAccessKeyId, as a real store does. */
  accessKeyId: string;
  /**
   * `b2`: Backblaze B2's S3 API, which refuses the SDK's `x-amz-checksum-*` headers, every
   * storage class but STANDARD, and the operations it lacks (restore, object tagging) — so a
   * client configured for AWS fails here as it would on B2.
   */
  mode?: 'aws' | 'b2';
  /** How long a restore of an archived object runs, for every tier or per tier (default 200 ms). */
  restoreDelayMs?: number | Partial<Record<RestoreTier, number>>;
  /** When set, a restored copy lives this long instead of the Days asked for (for expiry tests). */
  restoredCopyMs?: number;
}

export interface S3Emulator {
  endpoint: string;
  /** Every request seen, for assertions on what a client sent (and, once answered, the status). */
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders; status?: number }[];
  /** Down: every request has its connection cut, as a store out of reach would. */
  setAvailable(up: boolean): void;
  /** From now on, restored copies live this long (a test of their expiry shortens it). */
  setRestoredCopyMs(ms: number | undefined): void;
  close(): Promise<void>;
}

interface S3ErrorReply {
  status: number;
  code: string;
  message: string;
}

const ARCHIVE_CLASSES = ['GLACIER', 'DEEP_ARCHIVE'];
const TIERS: RestoreTier[] = ['Expedited', 'Standard', 'Bulk'];
const SPEED: Record<RestoreTier, number> = { Expedited: 0, Standard: 1, Bulk: 2 };
const DAY_MS = 86_400_000;
const INVALID_OBJECT_STATE: S3ErrorReply = {
  status: 403,
  code: 'InvalidObjectState',
  message: "The operation is not valid for the object's storage class",
};

/** A restore of one object: running until `readyAt`, then a readable copy until `expiresAt`. */
interface Restore {
  tier: RestoreTier;
  readyAt: number;
  expiresAt: number;
}

/**
 * A project-owned layer in front of s3rver for what s3rver does not check: credentials, B2's
 * refusals, aws-chunked streaming bodies (which s3rver would store as garbage, frame headers and
 * all, so they are refused here instead), and the archive classes. s3rver stores GLACIER and
 * DEEP_ARCHIVE like any class; here their content is refused until restored (POST ?restore), the
 * restore runs on a clock, HEAD reports it in `x-amz-restore`, and the restored copy expires.
 * The storage class is learnt from upstream (its answer, or an anonymous HEAD), so several
 * emulators in front of one s3rver agree on it; restores live in each emulator.
 */
export async function startS3Emulator(options: S3EmulatorOptions): Promise<S3Emulator> {
  const upstream = new URL(options.upstream);
  const requests: S3Emulator['requests'] = [];
  const restores = new Map<string, Restore>();
  let available = true;
  let restoredCopyMs = options.restoredCopyMs;

  /** The object's restore as of now; an expired copy is forgotten, as S3 deletes it. */
  const restoreOf = (object: string): Restore | undefined => {
    const restore = restores.get(object);
    if (restore && Date.now() >= restore.expiresAt) restores.delete(object);
    return restores.get(object);
  };
  const delayOf = (tier: RestoreTier) =>
    typeof options.restoreDelayMs === 'number' ? options.restoreDelayMs : (options.restoreDelayMs?.[tier] ?? 200);

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, object: string | undefined) => {
    const call = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const headers = { ...answer.headers };
        const archived = ARCHIVE_CLASSES.includes(String(answer.headers['x-amz-storage-class']));
        if (object && archived && answer.statusCode! < 300) {
          const restore = restoreOf(object);
          const readable = restore !== undefined && restore.readyAt <= Date.now();
          if (req.method === 'GET' && !readable) {
            answer.destroy(); // never stream the content of an object still in the archive
            return reply(res, INVALID_OBJECT_STATE);
          }
          if (restore)
            headers['x-amz-restore'] = readable
              ? `ongoing-request="false", expiry-date="${new Date(restore.expiresAt).toUTCString()}"`
              : 'ongoing-request="true"';
        }
        res.writeHead(answer.statusCode!, headers);
        answer.pipe(res);
      },
    );
    call.on('error', () => res.destroy());
    req.pipe(call);
  };

  /** POST ?restore, as S3 answers it: 202 started, 200 copy extended, 409 already running. */
  const restore = async (object: string, req: http.IncomingMessage, res: http.ServerResponse) => {
    const xml = await text(req);
    const days = Number(/<Days>\s*(\d+)\s*<\/Days>/.exec(xml)?.[1]);
    const tier = (/<Tier>\s*(\w+)\s*<\/Tier>/.exec(xml)?.[1] ?? 'Standard') as RestoreTier;
    if (!(days >= 1) || !TIERS.includes(tier))
      return reply(res, {
        status: 400,
        code: 'MalformedXML',
        message: 'The XML you provided was not well-formed or did not validate against our published schema.',
      });
    const storageClass = await storageClassOf(upstream, object);
    if (storageClass === undefined)
      return reply(res, { status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' });
    if (!ARCHIVE_CLASSES.includes(storageClass))
      return reply(res, {
        ...INVALID_OBJECT_STATE,
        message: "Restore is not allowed for the object's current storage class",
      });
    if (tier === 'Expedited' && storageClass === 'DEEP_ARCHIVE') {
      return reply(res, {
        status: 400,
        code: 'InvalidArgument',
        message: 'Expedited retrieval is not supported for DEEP_ARCHIVE',
      });
    }
    const now = Date.now();
    const lifetime = restoredCopyMs ?? days * DAY_MS;
    const current = restoreOf(object);
    if (current && current.readyAt > now) {
      // Restore speed upgrade: a faster tier takes over a running restore; the same or a slower one is refused.
      if (SPEED[tier] < SPEED[current.tier]) {
        Object.assign(current, { tier, readyAt: Math.min(current.readyAt, now + delayOf(tier)) });
        current.expiresAt = current.readyAt + lifetime;
        res.writeHead(202).end();
        return;
      }
      return reply(res, {
        status: 409,
        code: 'RestoreAlreadyInProgress',
        message: 'Object restore is already in progress',
      });
    }
    if (current) {
      current.expiresAt = now + lifetime;
      res.writeHead(200).end();
      return;
    }
    const readyAt = now + delayOf(tier);
    restores.set(object, { tier, readyAt, expiresAt: readyAt + lifetime });
    res.writeHead(202).end();
  };

  const server = http.createServer((req, res) => {
    const seen: S3Emulator['requests'][number] = { method: req.method!, url: req.url!, headers: req.headers };
    requests.push(seen);
    res.on('finish', () => (seen.status = res.statusCode));
    if (!available) return void req.socket.destroy();
    const refusal = refuse(req, options);
    if (refusal) {
      req.resume();
      return reply(res, refusal);
    }
    const url = new URL(req.url!, 'http://emulator');
    // Path style only: /bucket/key. B2 has no archive classes, so its mode has no archive rules.
    const object = options.mode !== 'b2' && /^\/[^/]+\/./.test(url.pathname) ? url.pathname : undefined;
    if (object && req.method === 'POST' && url.searchParams.has('restore')) {
      return void restore(object, req, res).catch(() => res.destroy());
    }
    if (object && req.method === 'DELETE' && !url.searchParams.has('uploadId')) restores.delete(object);
    // Content reads and HEADs are checked against the archive; subresources (?tagging, ?acl) are not.
    const content =
      (req.method === 'GET' || req.method === 'HEAD') && !['tagging', 'acl'].some((q) => url.searchParams.has(q));
    forward(req, res, content ? object : undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    setAvailable: (up) => (available = up),
    setRestoredCopyMs: (ms) => (restoredCopyMs = ms),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function refuse(req: http.IncomingMessage, options: S3EmulatorOptions): S3ErrorReply | undefined {
  const keyId = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
  if (keyId !== options.accessKeyId)
    return {
      status: 403,
      code: 'InvalidAccessKeyId',
      message: 'The access key ID you provided does not exist in our records.',
    };
  const contentSha = String(req.headers['x-amz-content-sha256'] ?? '');
  if (contentSha.startsWith('STREAMING-') || String(req.headers['content-encoding'] ?? '').includes('aws-chunked')) {
    return {
      status: 400,
      code: 'NotImplemented',
      message: 'aws-chunked request bodies are not accepted here (s3rver would store them corrupted).',
    };
  }
  if (options.mode === 'b2') {
    const checksum = Object.keys(req.headers).find(
      (h) => h.startsWith('x-amz-checksum-') || h === 'x-amz-sdk-checksum-algorithm',
    );
    if (checksum)
      return {
        status: 400,
        code: 'InvalidArgument',
        message: `Unsupported header '${checksum}' received for this API call.`,
      };
    const storageClass = req.headers['x-amz-storage-class'];
    if (storageClass !== undefined && storageClass !== 'STANDARD') {
      return {
        status: 400,
        code: 'InvalidStorageClass',
        message: `Storage class ${storageClass} is not supported; B2 stores STANDARD only.`,
      };
    }
    const missing = ['restore', 'tagging'].find((q) => new URL(req.url!, 'http://emulator').searchParams.has(q));
    if (missing) return { status: 501, code: 'NotImplemented', message: `B2's S3 API has no ${missing} operation.` };
  }
  return undefined;
}

function reply(res: http.ServerResponse, error: S3ErrorReply): void {
  res.writeHead(error.status, { 'content-type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${error.code}</Code><Message>${error.message}</Message></Error>`,
  );
}

/** The stored class of an object (STANDARD when none was given), undefined when it does not exist. */
function storageClassOf(upstream: URL, object: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    // Unsigned: s3rver lets anonymous requests through, and the client's signature covers its own request only.
    const head = http.request(
      { host: upstream.hostname, port: upstream.port, method: 'HEAD', path: object },
      (answer) => {
        answer.resume();
        if (answer.statusCode === 404) resolve(undefined);
        else if (answer.statusCode! >= 300) reject(new Error(`upstream HEAD ${object}: ${answer.statusCode}`));
        else resolve(String(answer.headers['x-amz-storage-class'] ?? 'STANDARD'));
      },
    );
    head.on('error', reject).end();
  });
}

async function text(req: http.IncomingMessage): Promise<string> {
  let body = '';
  for await (const piece of req) body += String(piece);
  return body;
}
