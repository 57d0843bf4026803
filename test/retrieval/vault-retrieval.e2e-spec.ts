import { glacierVaultEnv, QUICK_RETRIEVAL_POLLING } from '../support/archive-env';
import { api, download, uploadMultipart } from '../support/http-client';
import { GlacierEmulator, startGlacierEmulator } from '../support/glacier-emulator';
import { patternedBytes, patternedChunks, patternedSha256 } from '../support/patterned-bytes';
import { startTestApp, TestApp } from '../support/test-app';
import { waitForRetrieval } from './retrieval-support';

const MiB = 1024 * 1024;
const VAULT = 'flexstorage-legacy';

/** The legacy vault provider in the running service: archive-retrieval jobs polled by DescribeJob. */
describe('glacier-vault (legacy) in the running service', () => {
  let vault: GlacierEmulator;
  let t: TestApp;
  const token = () => t.tokenFor('0196f000-0000-7000-8000-00000000b001');
  let seed = 100;

  beforeAll(async () => {
    vault = await startGlacierEmulator({
      accessKeyId: 'VAULTKEY',
      vaults: [VAULT],
      jobDelayMs: { Expedited: 200, Standard: 400, Bulk: 600 },
      // Long enough for a 56 MiB download and a range read on a busy machine; the expiry test shortens it.
      outputTtlMs: 120_000,
    });
    t = await startTestApp({
      STORAGE_PROVIDERS: 'local-fs,glacier-vault',
      ...glacierVaultEnv(VAULT, vault.endpoint),
      ...QUICK_RETRIEVAL_POLLING,
    });
  });
  afterAll(async () => {
    await t?.close();
    await vault?.close();
  });

  async function uploadToVault(size: number) {
    const s = ++seed;
    const up = await uploadMultipart(t.baseUrl, patternedChunks(size, s), size, {
      token: token(),
      fields: { provider: 'glacier-vault' },
    });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ providerId: 'glacier-vault', status: 'archived', size });
    return { ...(up.body as { id: string; sha256: string }), seed: s };
  }

  it('archives 56 MiB in a vault (multipart, tree-hashed), refuses the download, and serves it byte-exact once the job is done', async () => {
    const size = 56 * MiB + 777;
    const file = await uploadToVault(size);
    expect(file.sha256).toBe(patternedSha256(size, file.seed));
    expect(vault.requests.some((r) => r.method === 'POST' && r.url.endsWith('/multipart-uploads'))).toBe(true);

    expect((await api(t.baseUrl, 'GET', `/api/v1/files/${file.id}/content`, token())).status).toBe(409);
    const asked = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token(), { tier: 'standard' });
    expect(asked.status).toBe(202);
    expect(asked.body.status).toBe('in-progress');
    const ready = await waitForRetrieval(t, token(), asked.body.id, ['ready', 'failed']);
    expect(ready.status).toBe('ready');

    const whole = await download(t.baseUrl, `/api/v1/files/${file.id}/content`, token());
    expect(whole).toMatchObject({ status: 200, size, sha256: file.sha256 });
    const from = 8 * MiB - 3;
    const part = await download(t.baseUrl, `/api/v1/files/${file.id}/content`, token(), {
      range: `bytes=${from}-${from + 6}`,
    });
    expect(part.status).toBe(206);
    expect(part.bytes).toEqual(patternedBytes(from, 7, file.seed));
  });

  it.each(['expedited', 'standard', 'bulk'])('the %s tier reaches ready through the poller', async (tier) => {
    const file = await uploadToVault(123_457);
    const asked = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token(), { tier });
    expect(await waitForRetrieval(t, token(), asked.body.id, ['ready', 'failed'])).toMatchObject({
      status: 'ready',
      tier,
    });
    expect((await download(t.baseUrl, `/api/v1/files/${file.id}/content`, token())).sha256).toBe(file.sha256);
  });

  it('notices when the job output is gone (AWS keeps it 24 h; here 4 s): the download is refused and the request turns expired', async () => {
    vault.setOutputTtl(4_000);
    const file = await uploadToVault(5000);
    const asked = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token(), { tier: 'expedited' });
    await waitForRetrieval(t, token(), asked.body.id, ['ready']);
    expect((await download(t.baseUrl, `/api/v1/files/${file.id}/content`, token())).sha256).toBe(file.sha256);
    await new Promise((r) => setTimeout(r, 4_500));
    const refused = await api(t.baseUrl, 'GET', `/api/v1/files/${file.id}/content`, token());
    expect(refused.status).toBe(409);
    expect(refused.body.type).toMatch(/retrieval-required$/);
    await waitForRetrieval(t, token(), asked.body.id, ['expired'], 10_000);
    const anew = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token(), { tier: 'expedited' });
    expect(anew.body.shared).toBe(false);
    await waitForRetrieval(t, token(), anew.body.id, ['ready']);
    expect((await download(t.baseUrl, `/api/v1/files/${file.id}/content`, token())).sha256).toBe(file.sha256);
  }, 40_000);
});
