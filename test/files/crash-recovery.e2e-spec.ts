import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as path from 'node:path';
import jwt from 'jsonwebtoken';
import { Client } from 'pg';
import { OWN_ISSUER } from '../../src/infrastructure/auth/jwt.strategy';
import { countFiles } from '../support/files-on-disk';
import { download, uploadMultipart } from '../support/http-client';
import { freePort, serviceSandbox, ServiceSandbox, startService } from '../support/service-process';

const SECRET = 'crash-recovery-secret-0123456789abcdef0123456789';

describe('Crash recovery (kill -9 of the real service)', () => {
  let box: ServiceSandbox;
  beforeAll(async () => {
    box = await serviceSandbox('crash', SECRET);
  });
  afterAll(async () => box?.cleanup());

  it('keeps every acknowledged upload byte-exact and nothing of the one cut off by the crash', async () => {
    const token = jwt.sign({ sub: 'crash-user', roles: ['user'], typ: 'access' }, SECRET, {
      issuer: OWN_ISSUER,
      expiresIn: 600,
    });
    const port = await freePort();
    const first = await startService(box.env, port);
    box.children.push(first);
    const base = `http://127.0.0.1:${port}`;

    const kept = randomBytes(3 * 1024 * 1024);
    const acknowledged = await uploadMultipart(base, kept, kept.length, { token, filename: 'kept.bin' });
    expect(acknowledged.status).toBe(201);

    // Start a large upload, and kill the server while its bytes are still arriving.
    const size = 200 * 1024 * 1024;
    const boundary = 'crash-boundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.bin"\r\n\r\n`,
    );
    const req = http.request(`${base}/api/v1/files`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + size + 100),
      },
    });
    req.on('error', () => undefined);
    req.write(head);
    const chunk = randomBytes(1024 * 1024);
    for (let i = 0; i < 20; i++)
      await new Promise<void>((r) => (req.write(chunk) ? r() : req.once('drain', () => r())));
    await new Promise((r) => setTimeout(r, 300));
    expect(await countFiles(path.join(box.dataDir, 'files', 'tmp'))).toBe(1); // the half-written temp file
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    req.destroy();

    const second = await startService(box.env, port);
    box.children.push(second);
    const got = await download(base, `/api/v1/files/${acknowledged.body.id}/content`, token);
    expect(got.status).toBe(200);
    expect(got.sha256).toBe(acknowledged.sentSha256);

    const pg = new Client({ connectionString: box.db.url });
    await pg.connect();
    const rows = await pg.query('select name, status from files');
    await pg.end();
    expect(rows.rows).toEqual([{ name: 'kept.bin', status: 'completed' }]);
    // Exactly one object: the acknowledged file. The cut-off upload never became one.
    expect(await countFiles(path.join(box.dataDir, 'files', 'objects'))).toBe(1);
    second.kill('SIGTERM');
    await new Promise((r) => second.once('exit', r));
  });
});
