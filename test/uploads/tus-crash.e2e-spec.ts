import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as http from 'node:http';
import * as path from 'node:path';
import jwt from 'jsonwebtoken';
import { OWN_ISSUER } from '../../src/infrastructure/auth/jwt.strategy';
import { download } from '../support/http-client';
import { freePort, killHard, serviceSandbox, ServiceSandbox, startService } from '../support/service-process';
import { randomFile, tusUpload } from './tus-support';

const SECRET = 'tus-crash-secret-0123456789abcdef0123456789abcdef';
const MiB = 1024 * 1024;

describe('Resumable upload across a kill -9 of the real service', () => {
  let box: ServiceSandbox;
  beforeAll(async () => {
    // Small checkpoints, so a cut mid-PATCH keeps most of what arrived; a short lock lifetime, so
    // the dead process's lock frees quickly.
    box = await serviceSandbox('tus-crash', SECRET, {
      UPLOAD_CHECKPOINT_BYTES: '4MiB',
      UPLOAD_CHECKPOINT_MS: '100',
      UPLOAD_LOCK_TTL_MS: '2000',
    });
  });
  afterAll(async () => box?.cleanup());

  it('keeps the durable offset; the client resumes from it after the restart and ends byte-exact', async () => {
    const token = jwt.sign({ sub: '0196f000-0000-7000-8000-0000000000d1', roles: ['user'], typ: 'access' }, SECRET, {
      issuer: OWN_ISSUER,
      expiresIn: 600,
    });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const tus = { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' };
    const source = path.join(box.dataDir, 'source.bin');
    const size = 96 * MiB;
    const expected = await randomFile(source, size);

    const first = await startService(box.env, port);
    box.children.push(first);
    const created = await fetch(`${base}/api/v1/uploads`, {
      method: 'POST',
      headers: {
        ...tus,
        'upload-length': String(size),
        'upload-metadata': `filename ${Buffer.from('crash.bin').toString('base64')}`,
      },
    });
    expect(created.status).toBe(201);
    const url = created.headers.get('location')!;

    // One PATCH with the whole file; the server is killed while its bytes are still arriving.
    const req = http.request(url, {
      method: 'PATCH',
      headers: {
        ...tus,
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
        'content-length': String(size),
      },
    });
    req.on('error', () => undefined);
    let sent = 0;
    for await (const chunk of createReadStream(source, { end: 40 * MiB - 1, highWaterMark: MiB })) {
      sent += chunk.length;
      if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
    }
    await new Promise((r) => setTimeout(r, 500)); // let checkpoints land
    await killHard(first);
    req.destroy();

    const second = await startService(box.env, port);
    box.children.push(second);
    const head = await fetch(url, { method: 'HEAD', headers: tus });
    expect(head.status).toBe(200);
    const durable = Number(head.headers.get('upload-offset'));
    // Durable means fsynced and recorded: more than nothing, never more than was sent.
    expect(durable).toBeGreaterThan(0);
    expect(durable).toBeLessThanOrEqual(sent);
    // Whatever the dead process had staged past the recorded offset is not counted.
    expect(
      (await stat(path.join(box.dataDir, 'uploads', url.slice(-2), url.split('/').pop()!))).size,
    ).toBeGreaterThanOrEqual(durable);

    // A new tus-js-client resumes from the stored URL: HEAD, then PATCH from the durable offset
    // (retrying 423 while the dead process's lock runs out).
    const resumed = await tusUpload(createReadStream(source), {
      uploadUrl: url,
      token,
      chunkSize: 16 * MiB,
      retryDelays: [250, 500, 1000, 2000, 4000],
    });
    expect(resumed.patchOffsets[0]).toBe(durable);
    const got = await download(base, `/api/v1/files/${resumed.fileId}/content`, token);
    expect(got.size).toBe(size);
    expect(got.sha256).toBe(expected);
    const file = await fetch(`${base}/api/v1/files/${resumed.fileId}`, {
      headers: { authorization: `Bearer ${token}` },
    }).then((r) => r.json());
    expect(file).toMatchObject({ name: 'crash.bin', size, sha256: expected, status: 'completed' });
  });
});
