import { randomBytes } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { buildOrmOptions } from '../../src/infrastructure/persistence/mikro-orm.options';
import { SecretCipher } from '../../src/infrastructure/persistence/secret-cipher';
import { webhookSecretContext } from '../../src/infrastructure/persistence/webhook-endpoint.mapper';
import { WebhookSecretResealing } from '../../src/infrastructure/persistence/webhook-secret-resealing';
import { api } from '../support/http-client';
import { createTestDatabase } from '../support/test-database';
import { startTestApp, TEST_WEBHOOK_SECRET_KEYS, TestApp } from '../support/test-app';
import { WebhookReceiver } from './webhook-receiver';

const ENV = {
  WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true',
  WEBHOOKS_ALLOW_HTTP: 'true',
  JOBS_WEBHOOKS_BACKOFF_MS: '50',
  JOBS_WEBHOOKS_ATTEMPTS: '2',
};
const BEFORE_ENCRYPTION = 'Migration20261212000000_storageUsage';

describe('webhook secrets at rest (real PostgreSQL)', () => {
  let receiver: WebhookReceiver;
  let t: TestApp;
  let db: Client;

  const stored = async (id: string, client = db) =>
    (
      await client.query<{ secret: string; previous_secret: string | null }>(
        'select secret, previous_secret from webhook_endpoints where id = $1',
        [id],
      )
    ).rows[0];
  const opened = (app: TestApp, value: string, id: string) =>
    new SecretCipher(app.runtime.webhookSecretKeys).open(value, webhookSecretContext(id));

  async function register(app: TestApp, user: string, path: string, secret?: string) {
    const res = await api(app.baseUrl, 'POST', '/api/v1/webhooks', app.tokenFor(user), {
      url: receiver.url(path),
      events: ['file.uploaded'],
      secret,
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; secret: string };
  }

  async function pingVerifies(app: TestApp, id: string, user: string, path: string, secret: string) {
    receiver.expectSecret(path, secret);
    const before = receiver.at(path, 'ping').length;
    expect((await api(app.baseUrl, 'POST', `/api/v1/webhooks/${id}/ping`, app.tokenFor(user))).status).toBe(202);
    const got = await receiver.waitFor(path, before + 1, 'ping');
    return got[got.length - 1].signatureValid;
  }

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    t = await startTestApp(ENV);
    db = new Client({ connectionString: t.db.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
    await receiver?.close();
  });

  it('keeps no secret in plain text: the column holds a value encrypted under the current key, which opens to it', async () => {
    const own = 'my-own-secret-that-must-never-be-stored-plain';
    const endpoints = [await register(t, 'alice', '/alice-own', own), await register(t, 'alice', '/alice-generated')];
    const { rows } = await db.query<{ whole: string }>('select e::text as whole from webhook_endpoints e');
    for (const { id, secret } of endpoints) {
      const row = await stored(id);
      expect(row.secret).toMatch(/^v1:test:[A-Za-z0-9+/]+={0,2}:[A-Za-z0-9+/]+={0,2}:[A-Za-z0-9+/]+={0,2}$/);
      expect(opened(t, row.secret, id)).toBe(secret);
      for (const { whole } of rows) expect(whole).not.toContain(secret);
    }
    expect(endpoints[0].secret).toBe(own);

    // After a rotation both the new secret and the one it replaced are encrypted.
    const rotated = await api(
      t.baseUrl,
      'POST',
      `/api/v1/webhooks/${endpoints[0].id}/rotate-secret`,
      t.tokenFor('alice'),
    );
    expect(rotated.status).toBe(200);
    const row = await stored(endpoints[0].id);
    expect([row.secret, row.previous_secret]).toEqual([
      expect.stringMatching(/^v1:test:/),
      expect.stringMatching(/^v1:test:/),
    ]);
    expect([opened(t, row.secret, endpoints[0].id), opened(t, row.previous_secret!, endpoints[0].id)]).toEqual([
      rotated.body.secret,
      own,
    ]);
    expect(`${row.secret}${row.previous_secret}`).not.toContain(rotated.body.secret);
  });

  it('reads a secret still in plain text, and encrypts it at the next save', async () => {
    const legacy = 'legacy-plain-text-secret-of-enough-length';
    const { id } = await register(t, 'bob', '/bob');
    await db.query('update webhook_endpoints set secret = $2 where id = $1', [id, legacy]);
    expect(await pingVerifies(t, id, 'bob', '/bob', legacy)).toBe(true);
    expect((await stored(id)).secret).toBe(legacy); // reading changes nothing

    expect((await api(t.baseUrl, 'PATCH', `/api/v1/webhooks/${id}`, t.tokenFor('bob'), { active: true })).status).toBe(
      200,
    );
    const row = await stored(id);
    expect(row.secret).toMatch(/^v1:test:/);
    expect(opened(t, row.secret, id)).toBe(legacy);
    expect(await pingVerifies(t, id, 'bob', '/bob', legacy)).toBe(true);
  });

  it('erases a replaced secret once its grace period is over', async () => {
    const { id } = await register(t, 'carol', '/carol');
    expect((await api(t.baseUrl, 'POST', `/api/v1/webhooks/${id}/rotate-secret`, t.tokenFor('carol'))).status).toBe(
      200,
    );
    expect((await stored(id)).previous_secret).not.toBeNull();
    await db.query(
      `update webhook_endpoints set previous_secret_expires_at = now() - interval '1 second' where id = $1`,
      [id],
    );
    expect(await t.app.get(WebhookSecretResealing).run()).toMatchObject({ forgotten: 1 });
    expect(
      await db.query('select previous_secret, previous_secret_expires_at from webhook_endpoints where id = $1', [id]),
    ).toMatchObject({
      rows: [{ previous_secret: null, previous_secret_expires_at: null }],
    });
  });

  it('migrates a database from before encryption: plain secrets keep working and are encrypted at the next start, look-alikes too', async () => {
    const legacyDb = await createTestDatabase();
    const legacy = new Client({ connectionString: legacyDb.url });
    await legacy.connect();
    let app: TestApp | undefined;
    try {
      const orm = await MikroORM.init({ ...buildOrmOptions(legacyDb.url), pool: { min: 1, max: 1 } });
      await orm.getMigrator().down({ to: BEFORE_ENCRYPTION });
      const plain = { id: uuidv7(), secret: 'plain-secret-from-before-encryption-01' };
      // A user's own secret may look like an encrypted value: the migration marks it so it is not taken for one.
      const lookalike = { id: uuidv7(), secret: 'v1:looks:like:a:versioned:value:of:enough:length' };
      for (const [{ id, secret }, path] of [
        [plain, '/legacy-plain'],
        [lookalike, '/legacy-lookalike'],
      ] as const) {
        await legacy.query(
          `insert into webhook_endpoints (id, owner_id, url, event_types, secret, active, created_at, updated_at, version)
           values ($1, 'dave', $2, $3, $4, true, now(), now(), 1)`,
          [id, receiver.url(path), ['file.uploaded'], secret],
        );
      }
      await orm.getMigrator().up();
      await orm.close(true);
      expect((await stored(plain.id, legacy)).secret).toBe(plain.secret);
      expect((await stored(lookalike.id, legacy)).secret).toBe(`v0:${lookalike.secret}`);

      app = await startTestApp(ENV, { database: legacyDb });
      for (const [{ id, secret }, path] of [
        [plain, '/legacy-plain'],
        [lookalike, '/legacy-lookalike'],
      ] as const) {
        const row = await stored(id, legacy);
        expect(row.secret).toMatch(/^v1:test:/);
        expect(opened(app, row.secret, id)).toBe(secret);
        expect(await pingVerifies(app, id, 'dave', path, secret)).toBe(true);
      }
      expect(await app.app.get(WebhookSecretResealing).run()).toEqual({ resealed: 0, unreadable: 0, forgotten: 0 });
    } finally {
      await app?.close();
      await legacy.end();
      await legacyDb.drop();
    }
  });

  // Last: afterwards the first app, which knows only the old key, cannot read the rows any more.
  it("re-encrypts every secret under a new first key at start, opening the old key's values until then", async () => {
    const { id, secret } = await register(t, 'erin', '/erin');
    const newKey = `next:${randomBytes(32).toString('base64')}`;
    const rotated = await startTestApp(
      { ...ENV, WEBHOOK_SECRET_KEYS: `${newKey},${TEST_WEBHOOK_SECRET_KEYS}` },
      { database: t.db },
    );
    try {
      const { rows } = await db.query<{ secret: string; previous_secret: string | null }>(
        'select secret, previous_secret from webhook_endpoints',
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row.secret).toMatch(/^v1:next:/);
        if (row.previous_secret !== null) expect(row.previous_secret).toMatch(/^v1:next:/);
      }
      expect(opened(rotated, (await stored(id)).secret, id)).toBe(secret);
      expect(await pingVerifies(rotated, id, 'erin', '/erin', secret)).toBe(true);
    } finally {
      await rotated.close();
    }
  });
});
