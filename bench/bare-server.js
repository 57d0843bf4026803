'use strict';
/**
 * The BASELINE for `npm run bench`: the least a Node.js server can do to store an upload durably.
 *
 *   POST /files          multipart/form-data with a part named `file` (parsed with busboy, the same
 *                        parser FlexStorage uses), or any other Content-Type as the raw body.
 *                        The bytes are hashed (SHA-256) and written to DATA_DIR/tmp/<uuid>.part in
 *                        the same pass, fsynced, renamed to DATA_DIR/objects/<uuid>, and the
 *                        directory fsynced: the same durability as FlexStorage's local-fs provider.
 *                        Answers 201 {name, size, sha256}.
 *   GET  /files/:name    streams DATA_DIR/objects/<name> (256 KiB reads, as local-fs does).
 *   GET  /health         200 {"status":"ok"}
 *
 * No framework, no auth, no database, no metadata: everything FlexStorage does on top of this is
 * what the bench measures. Env: PORT (default 0 = any; the port is printed as JSON on stdout),
 * HOST (127.0.0.1), DATA_DIR (required).
 */
const http = require('node:http');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const path = require('node:path');
const { createHash, randomUUID } = require('node:crypto');
const { Transform, Writable } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const busboy = require('busboy');

const dataDir = process.env.DATA_DIR;
if (!dataDir) {
  console.error('DATA_DIR is required');
  process.exit(2);
}
const objectsDir = path.join(path.resolve(dataDir), 'objects');
const tmpDir = path.join(path.resolve(dataDir), 'tmp');
fs.mkdirSync(objectsDir, { recursive: true });
fs.mkdirSync(tmpDir, { recursive: true });

/** Writes chunks to an open FileHandle; closing and fsync stay with the caller. */
function handleSink(handle) {
  return new Writable({
    highWaterMark: 1024 * 1024,
    write(chunk, _enc, cb) {
      handle.write(chunk).then(() => cb(), cb);
    },
    writev(chunks, cb) {
      handle.writev(chunks.map((c) => c.chunk)).then(() => cb(), cb);
    },
  });
}

/** Streams `source` to a new object, hashing on the way; resolves {name, size, sha256}. */
async function store(source) {
  const name = randomUUID();
  const tmp = path.join(tmpDir, `${name}.part`);
  const hash = createHash('sha256');
  let size = 0;
  const handle = await fsp.open(tmp, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0o600);
  try {
    const hasher = new Transform({
      transform(chunk, _enc, cb) {
        size += chunk.length;
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    await pipeline(source, hasher, handleSink(handle));
    await handle.sync();
    await handle.close();
    await fsp.rename(tmp, path.join(objectsDir, name));
    const dir = await fsp.open(objectsDir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    return { name, size, sha256: hash.digest('hex') };
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fsp.unlink(tmp).catch(() => undefined);
    throw error;
  }
}

function sendJson(res, status, body) {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) });
  res.end(json);
}

function fail(req, res, status, message) {
  if (res.headersSent) return res.destroy();
  if (!req.complete) res.setHeader('Connection', 'close');
  sendJson(res, status, { error: message });
}

function upload(req, res) {
  const type = req.headers['content-type'] || '';
  if (!/^multipart\/form-data/i.test(type)) {
    store(req).then(
      (r) => sendJson(res, 201, r),
      (e) => fail(req, res, 500, e.message),
    );
    return;
  }
  let parser;
  try {
    parser = busboy({ headers: req.headers, limits: { files: 1 } });
  } catch (e) {
    return fail(req, res, 400, e.message);
  }
  let stored;
  parser.on('file', (field, stream) => {
    if (field !== 'file' || stored) {
      stream.resume();
      return;
    }
    stored = store(stream);
    stored.catch(() => stream.resume());
  });
  parser.on('error', (e) => fail(req, res, 400, e.message));
  parser.on('close', () => {
    if (!stored) return fail(req, res, 400, 'no part named "file"');
    stored.then(
      (r) => sendJson(res, 201, r),
      (e) => fail(req, res, 500, e.message),
    );
  });
  req.pipe(parser);
}

async function download(req, res, name) {
  if (!/^[0-9a-f-]{36}$/.test(name)) return fail(req, res, 404, 'not found');
  let handle;
  try {
    handle = await fsp.open(path.join(objectsDir, name), 'r');
  } catch {
    return fail(req, res, 404, 'not found');
  }
  const { size } = await handle.stat();
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': size });
  try {
    await pipeline(fs.createReadStream('', { fd: handle, highWaterMark: 256 * 1024 }), res);
  } catch {
    res.destroy();
  }
}

const server = http.createServer((req, res) => {
  const url = req.url || '/';
  if (req.method === 'POST' && url === '/files') return upload(req, res);
  if (req.method === 'GET' && url.startsWith('/files/')) return void download(req, res, url.slice(7));
  if (req.method === 'GET' && url === '/health') return sendJson(res, 200, { status: 'ok' });
  req.resume();
  sendJson(res, 404, { error: 'not found' });
});
server.keepAliveTimeout = 65_000;
server.requestTimeout = 0; // a 1 GiB upload may take longer than the 300 s default on a slow disk
server.listen(Number(process.env.PORT || 0), process.env.HOST || '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ listening: server.address().port })}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
