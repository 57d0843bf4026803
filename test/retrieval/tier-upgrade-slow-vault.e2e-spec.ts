import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { api, uploadMultipart } from '../support/http-client';
import { GlacierEmulator, startGlacierEmulator } from '../support/glacier-emulator';
import { patternedChunks } from '../support/patterned-bytes';
import { startTestApp, TestApp } from '../support/test-app';

const VAULT = 'flexstorage-slow-upgrade-vault';
const INITIATE_DELAY_MS = 2_000;

/** Forwards to `upstream`, holding back the answer to every InitiateJob (POST …/jobs) for `delayMs`: a slow vault. */
async function slowJobStarts(upstream: string, delayMs: number): Promise<{ endpoint: string; close(): Promise<void> }> {
  const target = new URL(upstream);
  const server = http.createServer((req, res) => {
    const forward = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const send = () => {
          res.writeHead(answer.statusCode!, answer.headers);
          answer.pipe(res);
        };
        if (req.method === 'POST' && /\/jobs$/.test(req.url ?? '')) setTimeout(send, delayMs);
        else send();
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A faster tier asked for while a vault is still slow to start the first job: still one (billed) job. */
describe('retrieval tier upgrade against a slow vault (e2e: vault emulator behind a slow link)', () => {
  let vault: GlacierEmulator;
  let slow: { endpoint: string; close(): Promise<void> };
  let t: TestApp;
  const token = () => t.tokenFor('0196f000-0000-7000-8000-0000000d0e01');

  beforeAll(async () => {
    vault = await startGlacierEmulator({
      accessKeyId: 'VAULTKEY',
      vaults: [VAULT],
      jobDelayMs: { Expedited: 300, Standard: 500, Bulk: 10 * 60_000 },
      outputTtlMs: 60_000,
    });
    slow = await slowJobStarts(vault.endpoint, INITIATE_DELAY_MS);
    t = await startTestApp({
      STORAGE_PROVIDERS: 'local-fs,glacier-vault',
      STORAGE_GLACIER_VAULT: VAULT,
      STORAGE_GLACIER_ENDPOINT: slow.endpoint,
      STORAGE_GLACIER_ACCESS_KEY_ID: 'VAULTKEY',
      STORAGE_GLACIER_SECRET_ACCESS_KEY: 'vault-secret',
      // Checks far apart (as in production, where they are minutes apart), except the first one of an
      // Expedited restore: an upgrade's own check comes within the test, the sweep never does.
      RETRIEVAL_POLL_EXPEDITED_MS: '1000',
      RETRIEVAL_POLL_STANDARD_MS: '600000',
      RETRIEVAL_POLL_BULK_MS: '600000',
      RETRIEVAL_SWEEP_INTERVAL_MS: '600000',
      OUTBOX_RELAY_INTERVAL_MS: '100',
    });
  });
  afterAll(async () => {
    await t?.close();
    await slow?.close();
    await vault?.close();
  });

  const jobStarts = () => vault.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/jobs')).length;

  it('starts one vault job when a faster tier is asked for while the first start is still under way (a vault bills every job)', async () => {
    const size = 150_000;
    const up = await uploadMultipart(t.baseUrl, patternedChunks(size, 41), size, {
      token: token(),
      fields: { provider: 'glacier-vault' },
    });
    expect(up.status).toBe(201);
    expect(up.body.status).toBe('archived');
    const before = jobStarts();

    const bulk = api(t.baseUrl, 'POST', `/api/v1/files/${up.body.id}/retrievals`, token(), { tier: 'bulk' });
    // The bulk request is saved and its vault job is being started (the vault answers slowly).
    const deadline = Date.now() + 10_000;
    while (jobStarts() === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(jobStarts()).toBe(before + 1);
    const fast = await api(t.baseUrl, 'POST', `/api/v1/files/${up.body.id}/retrievals`, token(), { tier: 'expedited' });
    expect(fast.status).toBe(202);
    expect(fast.body.shared).toBe(true);
    expect((await bulk).status).toBe(202);

    // Long enough for any check the upgrade scheduled to have asked the vault (and waited for its answer).
    await new Promise((r) => setTimeout(r, 3 * INITIATE_DELAY_MS));
    expect(jobStarts()).toBe(before + 1);
    const status = await api(t.baseUrl, 'GET', `/api/v1/retrievals/${fast.body.id}`, token());
    expect(status.body).toMatchObject({ status: 'in-progress', tier: 'bulk' });
  });
});
