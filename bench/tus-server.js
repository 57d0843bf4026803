'use strict';
/**
 * The tus REFERENCE for `npm run bench`: @tus/server with @tus/file-store, the usual Node.js tus
 * server, configured as its README shows. No auth, no database, no hashing, no fsync: the bytes
 * go to DATA_DIR as they arrive. Env: PORT, HOST (127.0.0.1), DATA_DIR (required).
 */
const http = require('node:http');
const fs = require('node:fs');
const { Server } = require('@tus/server');
const { FileStore } = require('@tus/file-store');

const dataDir = process.env.DATA_DIR;
if (!dataDir) {
  console.error('DATA_DIR is required');
  process.exit(2);
}
fs.mkdirSync(dataDir, { recursive: true });
const tus = new Server({ path: '/files', datastore: new FileStore({ directory: dataDir }) });

const server = http.createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  tus.handle(req, res);
});
server.listen(Number(process.env.PORT || 0), process.env.HOST || '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
