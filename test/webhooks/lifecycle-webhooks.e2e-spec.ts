import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { STORAGE_PROVIDER_REGISTRY } from '../../src/application/ports';
import { FILE_REPOSITORY, FileRepository } from '../../src/domain/files';
import { InMemoryStorageProviderRegistry } from '../../src/infrastructure/storage-providers/storage-provider.registry';
import { QUICK_RETRIEVAL_POLLING, s3ArchiveEnv } from '../support/archive-env';
import { api, uploadMultipart } from '../support/http-client';
import { LocalS3, startS3rver } from '../support/s3rver';
import { S3Emulator, startS3Emulator } from '../support/s3-emulator';
import { listen } from '../support/sse-client';
import { startTestApp, TestApp } from '../support/test-app';
import { sleep, until } from '../support/until';
import { waitForRetrieval } from '../retrieval/retrieval-support';
import { ReceivedDelivery, verifyFlexStorageSignature, WebhookReceiver } from './webhook-receiver';

/**
 * The lifecycle events a client cannot see coming (a restore that finished or failed hours later,
 * an upload that died of idleness) delivered as signed webhooks and on the live stream, produced
 * the real way: an archive restore run by the BullMQ poller against an emulated S3 archive class,
 * and an idle tus upload swept by the recurring upload sweep.
 */

const BUCKET = 'flexstorage-lifecycle';
const LIFECYCLE = ['retrieval.ready', 'retrieval.failed', 'upload.expired'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
// Generous: CI runs many suites at once on two cores.
const WAIT_MS = 30_000;

describe('lifecycle webhooks: retrieval.ready, retrieval.failed and upload.expired, end to end (emulated S3 archive, BullMQ poller and sweep, a local HTTP receiver)', () => {
  let s3: LocalS3;
  let flexible: S3Emulator;
  let receiver: WebhookReceiver;
  let t: TestApp;
  let db: Client;
  let aliceStream: ReturnType<typeof listen>;
  let bobStream: ReturnType<typeof listen>;

  const alice = '0196f000-0000-7000-8000-00000000f001';
  const bob = '0196f000-0000-7000-8000-00000000f002';
  const admin = '0196f000-0000-7000-8000-00000000f0ad';
  const token = (user: string) => t.tokenFor(user, user === admin ? ['admin'] : ['user']);

  type Endpoint = { id: string; secret: string };
  let aliceAll: Endpoint;
  let aliceUploadsOnly: Endpoint;
  let bobAll: Endpoint;
  let adminAll: Endpoint;

  /** Registers an endpoint at `path` of the receiver, which then verifies its signatures. */
  async function register(user: string, path: string, events: string[]): Promise<Endpoint> {
    const res = await api(t.baseUrl, 'POST', '/api/v1/webhooks', token(user), { url: receiver.url(path), events });
    expect(res.status).toBe(201);
    receiver.expectSecret(path, res.body.secret);
    return res.body;
  }

  /** Checks what every delivery must be: signed with the endpoint's secret, its event as the body. */
  function expectSigned(delivery: ReceivedDelivery, endpoint: Endpoint, type: string): void {
    expect(delivery.method).toBe('POST');
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['x-flexstorage-event']).toBe(type);
    expect(delivery.headers['x-flexstorage-delivery']).toMatch(UUID);
    expect(delivery.headers['x-flexstorage-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(delivery.signatureValid).toBe(true);
    expect(verifyFlexStorageSignature(endpoint.secret, delivery.headers, delivery.rawBody)).toBe(true);
    expect(verifyFlexStorageSignature(endpoint.secret, delivery.headers, `${delivery.rawBody} `)).toBe(false);
    expect(Object.keys(delivery.body).sort()).toEqual(['data', 'id', 'occurredAt', 'type']);
    expect(delivery.body).toMatchObject({
      id: expect.stringMatching(UUID),
      type,
      occurredAt: expect.stringMatching(ISO),
    });
  }

  /** The endpoint's log holds this delivery as one successful first attempt. */
  async function expectLogged(user: string, endpoint: Endpoint, delivery: ReceivedDelivery): Promise<void> {
    const entry = await until(
      async () => {
        const res = await api(t.baseUrl, 'GET', `/api/v1/webhooks/${endpoint.id}/deliveries?limit=100`, token(user));
        expect(res.status).toBe(200);
        return res.body.items.find((d: any) => d.eventId === delivery.body.id && d.status !== 'pending');
      },
      `the ${delivery.body.type} delivery in ${endpoint.id}'s log`,
      WAIT_MS,
    );
    expect(entry).toMatchObject({
      id: delivery.headers['x-flexstorage-delivery'],
      endpointId: endpoint.id,
      eventId: delivery.body.id,
      eventType: delivery.body.type,
      attempt: 1,
      status: 'succeeded',
      responseStatus: 200,
      error: null,
    });
  }

  /** The deliveries of `type` at `path` for one aggregate (the receiver keeps every one). */
  const deliveriesAt = (path: string, type: string, idField: string, id: string) =>
    receiver.at(path, type).filter((d) => d.body?.data?.[idField] === id);
  const waitForDelivery = (path: string, type: string, idField: string, id: string) =>
    until(async () => deliveriesAt(path, type, idField, id)[0], `${type} of ${id} at ${path}`, WAIT_MS);

  let seed = 0;
  async function uploadArchived(owner: string) {
    const content = randomBytes(2048 + ++seed); // other bytes each time: never a duplicate
    const up = await uploadMultipart(t.baseUrl, content, content.length, {
      token: token(owner),
      fields: { provider: 's3-flexible-retrieval' },
      filename: `cold-${seed}.bin`,
    });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ providerId: 's3-flexible-retrieval', status: 'archived' });
    return up.body as { id: string; sha256: string };
  }

  /** A tus upload of 100 bytes with 40 of them sent, then left alone. */
  async function idleUpload(owner: string): Promise<string> {
    const created = await fetch(`${t.baseUrl}/api/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token(owner)}`, 'tus-resumable': '1.0.0', 'upload-length': '100' },
    });
    expect(created.status).toBe(201);
    const url = new URL(created.headers.get('location')!, t.baseUrl).toString();
    const patched = await fetch(url, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${token(owner)}`,
        'tus-resumable': '1.0.0',
        'content-type': 'application/offset+octet-stream',
        'upload-offset': '0',
      },
      body: randomBytes(40),
    });
    expect(patched.status).toBe(204);
    return url;
  }

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    s3 = await startS3rver(BUCKET);
    flexible = await startS3Emulator({
      upstream: s3.endpoint,
      accessKeyId: 'S3RVER',
      restoreDelayMs: { Expedited: 300, Standard: 600, Bulk: 900 },
    });
    t = await startTestApp({
      WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOKS_ALLOW_HTTP: 'true',
      OUTBOX_RELAY_INTERVAL_MS: '100',
      STORAGE_PROVIDERS: 'local-fs,s3-flexible-retrieval',
      ...s3ArchiveEnv('s3-flexible-retrieval', BUCKET, flexible.endpoint),
      ...QUICK_RETRIEVAL_POLLING,
      UPLOAD_SWEEP_INTERVAL_MS: '250',
    });
    db = new Client({ connectionString: t.db.url });
    await db.connect();

    aliceAll = await register(alice, '/alice', LIFECYCLE);
    aliceUploadsOnly = await register(alice, '/alice-uploads', ['upload.expired']);
    bobAll = await register(bob, '/bob', LIFECYCLE);
    adminAll = await register(admin, '/admin', LIFECYCLE);

    aliceStream = listen(`${t.baseUrl}/api/v1/events?access_token=${token(alice)}`);
    bobStream = listen(`${t.baseUrl}/api/v1/events?access_token=${token(bob)}`);
    await aliceStream.waitFor((m) => m.event === 'connected', WAIT_MS);
    await bobStream.waitFor((m) => m.event === 'connected', WAIT_MS);
  });
  afterAll(async () => {
    aliceStream?.close();
    bobStream?.close();
    await db?.end();
    await t?.close();
    await receiver?.close();
    await flexible?.close();
    await s3?.close();
  });

  let ready: ReceivedDelivery;
  let failed: ReceivedDelivery;
  let expired: ReceivedDelivery;
  let readyFileId: string;

  it('delivers a signed retrieval.ready, naming the file and the retrieval, once the poller finds the restore done', async () => {
    const file = await uploadArchived(alice);
    readyFileId = file.id;
    const asked = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token(alice), {
      tier: 'expedited',
    });
    expect(asked.status).toBe(202);
    expect(asked.body.status).toBe('in-progress'); // not ready yet: the poller has to find it done
    const settled = await waitForRetrieval(t, token(alice), asked.body.id, ['ready', 'failed'], WAIT_MS);
    expect(settled.status).toBe('ready');

    ready = await waitForDelivery('/alice', 'retrieval.ready', 'retrievalId', asked.body.id);
    expectSigned(ready, aliceAll, 'retrieval.ready');
    expect(ready.body.data).toEqual({
      retrievalId: asked.body.id,
      fileId: file.id,
      ownerId: alice,
      tier: 'expedited',
      availableUntil: settled.availableUntil,
    });
    expect(ready.rawBody).not.toContain('restoreHandle');
    await expectLogged(alice, aliceAll, ready);
  });

  it('delivers a signed retrieval.failed with the reason when the archived object is gone', async () => {
    const file = await uploadArchived(alice);
    const stored = await t.app.get<FileRepository>(FILE_REPOSITORY).findById(file.id);
    const registry = t.app.get<InMemoryStorageProviderRegistry>(STORAGE_PROVIDER_REGISTRY);
    await registry.get('s3-flexible-retrieval').delete(stored!.primaryLocation().key); // lost underneath (lifecycle rule, operator)

    const asked = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token(alice), {
      tier: 'expedited',
    });
    expect(asked.status).toBe(202);
    const settled = await waitForRetrieval(t, token(alice), asked.body.id, ['failed', 'ready'], WAIT_MS);
    expect(settled).toMatchObject({ status: 'failed', failureReason: 'the archived object no longer exists' });

    failed = await waitForDelivery('/alice', 'retrieval.failed', 'retrievalId', asked.body.id);
    expectSigned(failed, aliceAll, 'retrieval.failed');
    expect(failed.body.data).toEqual({
      retrievalId: asked.body.id,
      fileId: file.id,
      ownerId: alice,
      tier: 'expedited',
      reason: 'the archived object no longer exists',
    });
    await expectLogged(alice, aliceAll, failed);
  });

  it('delivers a signed upload.expired, with how far the upload got, once the sweep expires an idle upload', async () => {
    const aliceUpload = await idleUpload(alice);
    const bobUpload = await idleUpload(bob);
    const aliceId = aliceUpload.split('/').pop()!;
    const bobId = bobUpload.split('/').pop()!;
    // Idle for longer than UPLOAD_EXPIRY (60 s at the least): moved back rather than waited for.
    await db.query("update upload_sessions set expires_at = now() - interval '1 minute' where id = any($1)", [
      [aliceId, bobId],
    ]);

    expired = await waitForDelivery('/alice', 'upload.expired', 'uploadId', aliceId);
    expectSigned(expired, aliceAll, 'upload.expired');
    expect(expired.body.data).toEqual({ uploadId: aliceId, ownerId: alice, offset: 40, length: 100 });
    await expectLogged(alice, aliceAll, expired);

    // The same event, to alice's other endpoint subscribed to it, signed with that one's secret.
    const alsoExpired = await waitForDelivery('/alice-uploads', 'upload.expired', 'uploadId', aliceId);
    expect(alsoExpired.body.id).toBe(expired.body.id);
    expectSigned(alsoExpired, aliceUploadsOnly, 'upload.expired');
    expect(verifyFlexStorageSignature(aliceAll.secret, alsoExpired.headers, alsoExpired.rawBody)).toBe(false);
    await expectLogged(alice, aliceUploadsOnly, alsoExpired);

    const bobs = await waitForDelivery('/bob', 'upload.expired', 'uploadId', bobId);
    expectSigned(bobs, bobAll, 'upload.expired');
    expect(bobs.body.data).toEqual({ uploadId: bobId, ownerId: bob, offset: 40, length: 100 });
    await expectLogged(bob, bobAll, bobs);

    const head = await fetch(aliceUpload, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${token(alice)}`, 'tus-resumable': '1.0.0' },
    });
    expect(head.status).toBe(410);
  });

  it("notifies the file's owner, not the admin who asked for its retrieval", async () => {
    const file = await uploadArchived(alice);
    const asked = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token(admin), {
      tier: 'expedited',
    });
    expect(asked.status).toBe(202);
    expect((await waitForRetrieval(t, token(admin), asked.body.id, ['ready', 'failed'], WAIT_MS)).status).toBe('ready');
    const got = await waitForDelivery('/alice', 'retrieval.ready', 'retrievalId', asked.body.id);
    expectSigned(got, aliceAll, 'retrieval.ready');
    expect(got.body.data).toMatchObject({ fileId: file.id, ownerId: alice });
    await sleep(500);
    expect(receiver.at('/admin')).toEqual([]);
  });

  it("never delivers one user's lifecycle events to another user's endpoint, and sends each only where it is subscribed", async () => {
    await sleep(500); // anything misrouted has had time to arrive
    expect(receiver.at('/bob').map((d) => [d.body.type, d.body.data.ownerId])).toEqual([['upload.expired', bob]]);
    expect(receiver.at('/admin')).toEqual([]);
    expect(receiver.at('/alice-uploads').map((d) => d.body.type)).toEqual(['upload.expired']);
    expect(receiver.received.filter((d) => d.path.startsWith('/alice') && d.body?.data?.ownerId !== alice)).toEqual([]);
    for (const [path, endpoint] of [
      ['/alice', aliceAll],
      ['/alice-uploads', aliceUploadsOnly],
      ['/bob', bobAll],
    ] as const) {
      expect(
        receiver
          .at(path)
          .every((d) => d.signatureValid && verifyFlexStorageSignature(endpoint.secret, d.headers, d.rawBody)),
      ).toBe(true);
    }
    // Each event once per endpoint.
    const ids = receiver.at('/alice').map((d) => d.body.id);
    expect(new Set(ids).size).toBe(ids.length);

    const bobsLog = await api(t.baseUrl, 'GET', `/api/v1/webhooks/${bobAll.id}/deliveries`, token(bob));
    expect(bobsLog.body.items.map((d: any) => d.eventType)).toEqual(['upload.expired']);
    const adminsLog = await api(t.baseUrl, 'GET', `/api/v1/webhooks/${adminAll.id}/deliveries`, token(admin));
    expect(adminsLog.body.items).toEqual([]);
    expect((await api(t.baseUrl, 'GET', `/api/v1/webhooks/${aliceAll.id}/deliveries`, token(bob))).status).toBe(404);
  });

  it("pushes the same three events, with the same event ids, to the owner's live stream, and none to anyone else's", async () => {
    for (const [delivery, idField] of [
      [ready, 'retrievalId'],
      [failed, 'retrievalId'],
      [expired, 'uploadId'],
    ] as const) {
      const {
        type,
        data: { ownerId: _owner, ...data },
      } = delivery.body;
      const live = await aliceStream.waitFor(
        (m) => m.event === type && m.data?.data?.[idField] === data[idField],
        WAIT_MS,
      );
      expect(live.id).toBeTruthy(); // the stream's position, to resume from
      // the owner is implied
      expect(live.data).toEqual({ id: delivery.body.id, type, occurredAt: delivery.body.occurredAt, data });
    }
    expect(
      aliceStream.events().filter((m) => m.event === 'retrieval.ready' && m.data.data.fileId === readyFileId),
    ).toHaveLength(1);
    expect(bobStream.events().map((m) => [m.event, m.data.data.uploadId !== undefined])).toEqual([
      ['upload.expired', true],
    ]);
  });
});
