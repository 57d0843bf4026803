import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, linkSync, mkdirSync, rmSync } from 'node:fs';
import { mkdtemp, open, rename, rm } from 'node:fs/promises';
import * as http from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

type Tier = 'Expedited' | 'Standard' | 'Bulk';

export interface GlacierEmulatorOptions {
  /** The only access key id accepted; others answer 403 UnrecognizedClientException, as AWS does. */
  accessKeyId: string;
  vaults: string[];
  /** How long a retrieval job runs, per tier or for all (default 0: done by the next request). */
  jobDelayMs?: number | Partial<Record<Tier, number>>;
  /** How long a job and its output stay after completion (AWS: 24 hours). */
  outputTtlMs?: number;
}

export interface GlacierEmulator {
  endpoint: string;
  /** Archives live in `archives/`, unfinished multipart uploads in `uploads/`, job outputs in `jobs/`. */
  directory: string;
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
  /** Down: every connection is reset, as a host that has gone away. */
  setAvailable(up: boolean): void;
  /** From now on, job outputs stay this long after completion (a test of expiry shortens it). */
  setOutputTtl(ms: number): void;
  close(): Promise<void>;
}

const MiB = 1024 * 1024;
interface Archive {
  vault: string;
  file: string;
  size: number;
  leaves: Buffer[];
  created: Date;
}
interface Upload {
  vault: string;
  file: string;
  partSize: number;
  parts: Map<number, { size: number; leaves: Buffer[] }>;
}
interface Job {
  vault: string;
  id: string;
  archiveId: string;
  tier: Tier;
  created: Date;
  due: number;
  status: 'InProgress' | 'Succeeded' | 'Failed';
  message?: string;
  completed?: Date;
  output?: Archive;
  timer: NodeJS.Timeout;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
const invalid = (message: string) => new Refusal(400, 'InvalidParameterValueException', message);
const notFound = (message: string) => new Refusal(404, 'ResourceNotFoundException', message);

/**
 * The Glacier vault REST API (2012-06-01) as @aws-sdk/client-glacier speaks it, kept strict where
 * AWS is: tree hashes and payload hashes are checked against the bytes, part sizes must be
 * 1 MiB × 2^n, a 0-byte archive is refused, job output exists only between completion and expiry.
 * Bytes are streamed to files, never held whole. Signatures are not verified; the key id is.
 */
export async function startGlacierEmulator(options: GlacierEmulatorOptions): Promise<GlacierEmulator> {
  const directory = await mkdtemp(path.join(tmpdir(), 'glacier-emulator-'));
  for (const sub of ['archives', 'uploads', 'jobs', 'incoming']) mkdirSync(path.join(directory, sub));
  const archives = new Map<string, Archive>();
  const uploads = new Map<string, Upload>();
  const jobs = new Map<string, Job>();
  const requests: GlacierEmulator['requests'] = [];
  const sockets = new Set<Socket>();
  let ttl = options.outputTtlMs ?? 24 * 3600_000;
  const delay = (tier: Tier) =>
    typeof options.jobDelayMs === 'number' ? options.jobDelayMs : (options.jobDelayMs?.[tier] ?? 0);
  let up = true;

  const server = http.createServer((req, res) => {
    requests.push({ method: req.method!, url: req.url!, headers: req.headers });
    if (!up) return void req.socket.destroy();
    handle(req, res).catch((error: unknown) => {
      const refusal = error instanceof Refusal ? error : new Refusal(500, 'ServiceUnavailableException', String(error));
      req.resume();
      if (res.headersSent) return void res.destroy();
      res.writeHead(refusal.status, {
        'content-type': 'application/json',
        'x-amzn-errortype': `${refusal.code}:`,
        'x-amzn-requestid': id(30),
      });
      res.end(
        JSON.stringify({
          code: refusal.code,
          message: refusal.message,
          type: refusal.status >= 500 ? 'Server' : 'Client',
        }),
      );
    });
  });
  server.on('connection', (socket) => {
    if (!up) return void socket.destroy();
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const keyId = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1];
    if (keyId !== options.accessKeyId)
      throw new Refusal(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    if (req.headers['x-amz-glacier-version'] !== '2012-06-01')
      throw new Refusal(400, 'MissingParameterValueException', 'Required parameter missing: API version');
    const match = /^\/([^/]+)\/vaults\/([^/]+)(?:\/(archives|multipart-uploads|jobs)(?:\/([^/]+)(\/output)?)?)?$/.exec(
      new URL(req.url!, 'http://x').pathname,
    );
    if (!match) throw invalid(`Unknown resource: ${req.url}`);
    const [, account, vault, collection = '', itemId, output = ''] = match;
    const arn = `arn:aws:glacier:us-east-1:${account}:vaults/${vault}`;
    if (!options.vaults.includes(vault)) throw notFound(`Vault not found for ARN: ${arn}`);
    const base = `/${account}/vaults/${vault}`;
    const created = (status: number, location: string, headers: Record<string, string>) => {
      res.writeHead(status, { location, ...headers, 'content-length': '0' });
      res.end();
    };
    switch (`${req.method} ${collection}${itemId ? '/:id' : ''}${output}`) {
      case 'GET ': {
        const mine = [...archives.values()].filter((a) => a.vault === vault);
        return json(res, 200, {
          VaultARN: arn,
          VaultName: vault,
          CreationDate: new Date(0).toISOString(),
          LastInventoryDate: null,
          NumberOfArchives: mine.length,
          SizeInBytes: mine.reduce((n, a) => n + a.size, 0),
        });
      }
      case 'POST archives': {
        if (Number(req.headers['content-length'] ?? 0) === 0) throw invalid('Invalid Content-Length: 0'); // archives are 1 byte to 40 TiB
        const incoming = path.join(directory, 'incoming', id(16));
        try {
          const received = checked(req, await receive(req, incoming, 'w', 0));
          const archiveId = await store(vault, incoming, received.size, received.leaves);
          return created(201, `${base}/archives/${archiveId}`, {
            'x-amz-archive-id': archiveId,
            'x-amz-sha256-tree-hash': received.tree,
          });
        } finally {
          await rm(incoming, { force: true });
        }
      }
      case 'DELETE archives/:id': {
        const archive = archives.get(itemId);
        if (archive?.vault !== vault) throw notFound(`Archive not found: ${itemId}`);
        archives.delete(itemId);
        rmSync(archive.file, { force: true }); // finished jobs keep their own link to the bytes
        return void res.writeHead(204).end();
      }
      case 'POST multipart-uploads': {
        const partSize = Number(req.headers['x-amz-part-size']);
        if (!(partSize >= MiB && partSize <= 4096 * MiB && Number.isInteger(Math.log2(partSize / MiB)))) {
          throw invalid(
            `Invalid part size: ${req.headers['x-amz-part-size'] ?? 0}. Part size must not be null, must be a power of two and be between 1048576 and 4294967296 bytes.`,
          );
        }
        const uploadId = id(69);
        const upload: Upload = { vault, file: path.join(directory, 'uploads', uploadId), partSize, parts: new Map() };
        await (await open(upload.file, 'w')).close();
        uploads.set(uploadId, upload);
        return created(201, `${base}/multipart-uploads/${uploadId}`, { 'x-amz-multipart-upload-id': uploadId });
      }
      case 'PUT multipart-uploads/:id': {
        const upload = liveUpload(vault, itemId);
        const range = /^bytes (\d+)-(\d+)\/\*$/.exec(String(req.headers['content-range'] ?? ''));
        if (!range) throw invalid(`Invalid Content-Range: ${req.headers['content-range']}`);
        const [start, end] = [Number(range[1]), Number(range[2])];
        const length = Number(req.headers['content-length']);
        if (
          start % upload.partSize !== 0 ||
          end < start ||
          end - start + 1 > upload.partSize ||
          length !== end - start + 1
        ) {
          throw invalid(
            `Content-Range: ${req.headers['content-range']} is incompatible with Content-Length: ${length}`,
          );
        }
        upload.parts.delete(start / upload.partSize); // a part sent again replaces the old one, or is gone if refused
        const received = checked(req, await receive(req, upload.file, 'r+', start));
        upload.parts.set(start / upload.partSize, { size: received.size, leaves: received.leaves });
        res.writeHead(204, { 'x-amz-sha256-tree-hash': received.tree });
        return void res.end();
      }
      case 'POST multipart-uploads/:id': {
        const upload = liveUpload(vault, itemId);
        const indices = [...upload.parts.keys()].sort((a, b) => a - b);
        const sizes = indices.map((i) => upload.parts.get(i)!.size);
        const size = sizes.reduce((n, s) => n + s, 0);
        const gaps =
          indices.length === 0 ||
          indices.some((p, i) => p !== i) ||
          sizes.slice(0, -1).some((s) => s !== upload.partSize);
        if (gaps || String(size) !== req.headers['x-amz-archive-size']) {
          throw invalid(
            `Archive size ${req.headers['x-amz-archive-size']} does not match the parts uploaded (${sizes.length} parts, ${size} bytes)`,
          );
        }
        const leaves = indices.flatMap((i) => upload.parts.get(i)!.leaves);
        const tree = treeHash(leaves).toString('hex');
        if (req.headers['x-amz-sha256-tree-hash'] !== tree)
          throw invalid(`Checksum mismatch: expected ${tree}, got ${req.headers['x-amz-sha256-tree-hash']}`);
        const archiveId = await store(vault, upload.file, size, leaves);
        uploads.delete(itemId);
        return created(201, `${base}/archives/${archiveId}`, {
          'x-amz-archive-id': archiveId,
          'x-amz-sha256-tree-hash': tree,
        });
      }
      case 'DELETE multipart-uploads/:id': {
        const upload = liveUpload(vault, itemId);
        uploads.delete(itemId);
        rmSync(upload.file, { force: true });
        return void res.writeHead(204).end();
      }
      case 'POST jobs': {
        const params = JSON.parse((await text(req)) || '{}') as { Type?: string; ArchiveId?: string; Tier?: Tier };
        if (params.Type !== 'archive-retrieval')
          throw invalid(`Invalid job type: ${params.Type} (only archive-retrieval is emulated)`);
        const tier = params.Tier ?? 'Standard';
        if (!['Expedited', 'Standard', 'Bulk'].includes(tier)) throw invalid(`Invalid tier: ${tier}`);
        if (archives.get(params.ArchiveId ?? '')?.vault !== vault)
          throw notFound(`Archive not found: ${params.ArchiveId}`);
        const job: Job = {
          vault,
          id: id(69),
          archiveId: params.ArchiveId!,
          tier,
          created: new Date(),
          due: Date.now() + delay(tier),
          status: 'InProgress',
          timer: undefined!,
        };
        job.timer = setTimeout(() => settle(job), delay(tier)).unref();
        jobs.set(job.id, job);
        return created(202, `${base}/jobs/${job.id}`, { 'x-amz-job-id': job.id });
      }
      case 'GET jobs/:id': {
        const job = liveJob(vault, itemId);
        const archive = job.output ?? archives.get(job.archiveId);
        const tree = archive && treeHash(archive.leaves).toString('hex');
        return json(res, 200, {
          JobId: job.id,
          JobDescription: null,
          Action: 'ArchiveRetrieval',
          ArchiveId: job.archiveId,
          VaultARN: arn,
          CreationDate: job.created.toISOString(),
          Completed: job.status !== 'InProgress',
          StatusCode: job.status,
          StatusMessage: job.message ?? null,
          ArchiveSizeInBytes: archive?.size ?? null,
          InventorySizeInBytes: null,
          SNSTopic: null,
          CompletionDate: job.completed?.toISOString() ?? null,
          SHA256TreeHash: tree ?? null,
          ArchiveSHA256TreeHash: tree ?? null,
          RetrievalByteRange: archive ? `0-${archive.size - 1}` : null,
          Tier: job.tier,
        });
      }
      case 'GET jobs/:id/output': {
        const job = liveJob(vault, itemId);
        if (job.status !== 'Succeeded' || !job.output)
          throw invalid(`The job is not currently available for download: ${job.id}`);
        return serveOutput(req, res, job.output);
      }
    }
    throw invalid(`Unsupported operation: ${req.method} ${req.url}`);
  }

  /** Moves finished bytes into `archives/` under a new id: 138 characters of base64url, as AWS's are. */
  async function store(vault: string, from: string, size: number, leaves: Buffer[]): Promise<string> {
    const archiveId = id(103);
    const file = path.join(directory, 'archives', archiveId);
    await rename(from, file);
    archives.set(archiveId, { vault, file, size, leaves, created: new Date() });
    return archiveId;
  }

  function liveUpload(vault: string, uploadId: string): Upload {
    const upload = uploads.get(uploadId);
    if (upload?.vault !== vault) throw notFound(`Multipart upload not found: ${uploadId}`);
    return upload;
  }

  /** Completes a due job (its timer may lag behind a request) and forgets one whose output expired. */
  function liveJob(vault: string, jobId: string): Job {
    const job = jobs.get(jobId);
    if (job?.status === 'InProgress' && Date.now() >= job.due) settle(job);
    const expired = job?.completed !== undefined && Date.now() >= job.completed.getTime() + ttl;
    if (expired) {
      jobs.delete(jobId);
      if (job.output) rmSync(job.output.file, { force: true });
    }
    if (!job || expired || job.vault !== vault) throw notFound(`The job ID was not found: ${jobId}`);
    return job;
  }

  /** A finished job has its own copy of the bytes (a hard link), so deleting the archive later does not touch it. */
  function settle(job: Job): void {
    if (job.status !== 'InProgress') return;
    const archive = archives.get(job.archiveId);
    job.completed = new Date();
    if (!archive) {
      job.status = 'Failed';
      job.message = 'The archive was deleted before the retrieval job completed.';
      return;
    }
    const file = path.join(directory, 'jobs', job.id);
    linkSync(archive.file, file);
    job.output = { ...archive, file };
    job.status = 'Succeeded';
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    directory,
    requests,
    setOutputTtl: (ms) => {
      ttl = ms;
    },
    setAvailable: (available) => {
      up = available;
      if (!up) for (const socket of sockets) socket.destroy();
    },
    close: async () => {
      for (const job of jobs.values()) clearTimeout(job.timer);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Whole output → 200; `bytes=a-b` → 206; the tree hash only where Glacier gives one (MiB-aligned, or the end). */
function serveOutput(req: http.IncomingMessage, res: http.ServerResponse, output: Archive): void {
  const asked = req.headers.range;
  const range = asked === undefined ? undefined : /^bytes=(\d+)-(\d*)$/.exec(asked);
  if (asked !== undefined && !range) throw invalid(`Invalid range: ${asked}`);
  const start = range ? Number(range[1]) : 0;
  const end = range?.[2] ? Math.min(Number(range[2]), output.size - 1) : output.size - 1;
  if (start > end) throw invalid(`The requested range is not satisfiable: ${asked}`);
  const aligned = start % MiB === 0 && ((end + 1) % MiB === 0 || end === output.size - 1);
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'accept-ranges': 'bytes',
    'content-length': String(end - start + 1),
  };
  if (aligned)
    headers['x-amz-sha256-tree-hash'] = treeHash(output.leaves.slice(start / MiB, Math.ceil((end + 1) / MiB))).toString(
      'hex',
    );
  if (range) headers['content-range'] = `bytes ${start}-${end}/${output.size}`;
  res.writeHead(range ? 206 : 200, headers);
  createReadStream(output.file, { start, end })
    .on('error', () => res.destroy())
    .pipe(res);
}

/** Streams a body to `file` at `position`, hashing it (linearly and per MiB) on the way. */
async function receive(req: http.IncomingMessage, file: string, flags: 'w' | 'r+', position: number) {
  const handle = await open(file, flags);
  const linear = createHash('sha256');
  const leaves: Buffer[] = [];
  let leaf = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      linear.update(chunk);
      for (let at = 0; at < chunk.length;) {
        const take = Math.min(MiB - ((size + at) % MiB), chunk.length - at);
        leaf.update(chunk.subarray(at, at + take));
        at += take;
        if ((size + at) % MiB === 0) {
          leaves.push(leaf.digest());
          leaf = createHash('sha256');
        }
      }
      await handle.write(chunk, 0, chunk.length, position + size);
      size += chunk.length;
    }
  } finally {
    await handle.close();
  }
  if (size % MiB !== 0 || size === 0) leaves.push(leaf.digest());
  return { size, linear: linear.digest('hex'), leaves, tree: treeHash(leaves).toString('hex') };
}

function checked<T extends { linear: string; tree: string }>(req: http.IncomingMessage, received: T): T {
  if (req.headers['x-amz-content-sha256'] !== received.linear)
    throw invalid('The value passed in as x-amz-content-sha256 does not match the computed payload hash.');
  if (req.headers['x-amz-sha256-tree-hash'] !== received.tree)
    throw invalid(`Checksum mismatch: expected ${received.tree}, got ${req.headers['x-amz-sha256-tree-hash']}`);
  return received;
}

/**
 * The tree hash by its recursive definition (the left subtree is the largest power of two of
 * leaves): written apart from the provider's bottom-up version, so one checks the other.
 */
function treeHash(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return leaves[0];
  const left = 2 ** Math.floor(Math.log2(leaves.length - 1));
  return createHash('sha256')
    .update(treeHash(leaves.slice(0, left)))
    .update(treeHash(leaves.slice(left)))
    .digest();
}

async function text(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function id(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
