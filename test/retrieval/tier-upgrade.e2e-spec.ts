import { Client } from 'pg';
import { ArchiveStack, startArchiveStack } from '../support/archive-stack';
import { api, download, uploadMultipart } from '../support/http-client';
import { GlacierEmulator } from '../support/glacier-emulator';
import { patternedChunks } from '../support/patterned-bytes';
import { S3Emulator } from '../support/s3-emulator';
import { TestApp } from '../support/test-app';
import { retrievalStatus, waitForRetrieval } from './retrieval-support';

const BUCKET = 'flexstorage-upgrade';
const VAULT = 'flexstorage-upgrade-vault';
const SLOW_MS = 10 * 60_000; // a Bulk restore that would outlast the test by far

/** Asking again with a faster tier speeds a running restore up where the provider can (S3), and nowhere else. */
describe('retrieval tier upgrade (e2e: s3rver behind the archive emulator, vault emulator)', () => {
  let stack: ArchiveStack;
  let archive: S3Emulator;
  let vault: GlacierEmulator;
  let t: TestApp;
  let db: Client;
  const token = () => t.tokenFor('0196f000-0000-7000-8000-0000000d0001');
  let seed = 700;

  beforeAll(async () => {
    stack = await startArchiveStack({
      bucket: BUCKET,
      vault: VAULT,
      restoreDelayMs: { Expedited: 300, Standard: 500, Bulk: SLOW_MS },
      jobDelayMs: { Expedited: 300, Standard: 500, Bulk: SLOW_MS },
      providers: 'local-fs,s3-flexible-retrieval,s3-deep-archive,glacier-vault',
    });
    ({ archive, vault, t, db } = stack);
  });
  afterAll(() => stack?.close());

  async function archived(provider: string) {
    const size = 200_000 + ++seed;
    const up = await uploadMultipart(t.baseUrl, patternedChunks(size, seed % 256), size, {
      token: token(),
      fields: { provider },
    });
    expect(up.status).toBe(201);
    expect(up.body.status).toBe('archived');
    return up.body as { id: string; sha256: string };
  }
  const ask = (fileId: string, tier: string) =>
    api(t.baseUrl, 'POST', `/api/v1/files/${fileId}/retrievals`, token(), { tier });
  const restoreCalls = (key: string) =>
    archive.requests.filter((r) => r.method === 'POST' && /[?&]restore/.test(r.url) && r.url.includes(key));
  const keyOf = async (fileId: string) =>
    (await db.query('select locations from files where id = $1', [fileId])).rows[0].locations[0].key as string;

  it('speeds a running Bulk restore up to Expedited on S3: the same request, a second RestoreObject, ready in seconds, and an event', async () => {
    const file = await archived('s3-flexible-retrieval');
    const slow = await ask(file.id, 'bulk');
    expect(slow.status).toBe(202);
    expect(slow.body).toMatchObject({ tier: 'bulk', status: 'in-progress', shared: false });

    const fast = await ask(file.id, 'expedited');
    expect(fast.status).toBe(202);
    expect(fast.body).toMatchObject({ id: slow.body.id, tier: 'expedited', shared: true });
    expect(new Date(fast.body.estimatedReadyAt).getTime()).toBeLessThan(new Date(slow.body.estimatedReadyAt).getTime());
    expect(restoreCalls(await keyOf(file.id)).map((r) => r.status)).toEqual([202, 202]);

    const ready = await waitForRetrieval(t, token(), slow.body.id, ['ready', 'failed'], 30_000);
    expect(ready).toMatchObject({ status: 'ready', tier: 'expedited' });
    expect((await download(t.baseUrl, `/api/v1/files/${file.id}/content`, token())).sha256).toBe(file.sha256);
    const events = await db.query(
      `select payload from outbox where event_name = 'retrieval.upgraded' and aggregate_id = $1`,
      [slow.body.id],
    );
    expect(events.rows.map((r) => r.payload)).toEqual([
      expect.objectContaining({ tier: 'expedited', previousTier: 'bulk', fileId: file.id }),
    ]);
  });

  it('never slows a restore down: a slower or equal tier joins it as it is, with no call to the provider', async () => {
    const file = await archived('s3-deep-archive');
    const first = await ask(file.id, 'standard');
    const calls = restoreCalls(await keyOf(file.id)).length;
    for (const tier of ['bulk', 'standard']) {
      const again = await ask(file.id, tier);
      expect(again.body).toMatchObject({ id: first.body.id, tier: 'standard', shared: true });
    }
    expect(restoreCalls(await keyOf(file.id))).toHaveLength(calls);
    // Deep Archive has no Expedited tier: refused, not joined.
    expect((await ask(file.id, 'expedited')).status).toBe(400);
    expect((await waitForRetrieval(t, token(), first.body.id, ['ready', 'failed'], 30_000)).status).toBe('ready');
  });

  it('keeps a vault job at its tier (a vault job cannot be sped up): the answer says which tier runs', async () => {
    const file = await archived('glacier-vault');
    const slow = await ask(file.id, 'bulk');
    const jobsBefore = vault.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/jobs')).length;
    const fast = await ask(file.id, 'expedited');
    expect(fast.body).toMatchObject({ id: slow.body.id, tier: 'bulk', shared: true });
    expect(vault.requests.filter((r) => r.method === 'POST' && r.url.endsWith('/jobs'))).toHaveLength(jobsBefore);
    expect((await retrievalStatus(t, token(), slow.body.id)).status).toBe('in-progress');
  });
});
