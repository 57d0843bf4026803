import { getQueueToken } from '@nestjs/bullmq';
import { EventBus } from '@nestjs/cqrs';
import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { DomainEvent } from '../../src/domain/shared';
import { FileUploaded } from '../../src/domain/files';
import { QUEUES } from '../../src/infrastructure/jobs/queues';
import { OutboxRelay } from '../../src/infrastructure/outbox/outbox.relay';
import { uploadMultipart } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Outbox relay (real PostgreSQL, Redis and BullMQ workers)', () => {
  let t: TestApp;
  let db: Client;
  const received: DomainEvent[] = [];

  beforeAll(async () => {
    t = await startTestApp({ OUTBOX_RELAY_INTERVAL_MS: '100' });
    t.app.get(EventBus).subscribe((e) => received.push(e as DomainEvent));
    db = new Client({ connectionString: t.db.url });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  const unpublished = async () =>
    Number((await db.query('select count(*) from outbox where published_at is null')).rows[0].count);
  const countOf = (ids: string[]) => {
    const counts = new Map<string, number>();
    for (const e of received)
      if (e.eventId && ids.includes(e.eventId)) counts.set(e.eventId, (counts.get(e.eventId) ?? 0) + 1);
    return counts;
  };

  it('publishes the events of every committed upload on the EventBus, as event classes, once each', async () => {
    const token = t.tokenFor('outbox-user');
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const up = await uploadMultipart(t.baseUrl, randomBytes(128), 128, { token });
      ids.push(up.body.id);
    }
    const expected = (await db.query('select id from outbox where aggregate_id = any($1::text[])', [ids])).rows.map(
      (r) => r.id,
    );
    expect(expected).toHaveLength(10); // one file.uploaded per upload
    await waitFor(() => countOf(expected).size === expected.length);
    await new Promise((r) => setTimeout(r, 500));
    expect([...countOf(expected).values()].every((n) => n === 1)).toBe(true);

    const completed = received.filter(
      (e) => e instanceof FileUploaded && ids.includes(e.aggregateId),
    ) as FileUploaded[];
    expect(completed).toHaveLength(10);
    expect(completed[0].payload).toMatchObject({ ownerId: 'outbox-user', size: 128, archived: false });
    expect(completed[0].payload.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('delivers each event exactly once when a relay dies after enqueueing but before marking rows published', async () => {
    const ids = Array.from({ length: 200 }, () => uuidv7());
    // Hold the scheduled relay so the crashing one below is the first to see these rows.
    const maintenance = t.app.get<Queue>(getQueueToken(QUEUES.maintenance));
    await maintenance.pause();
    await waitFor(async () => (await maintenance.getActiveCount()) === 0);
    // Insert directly (as a committed transaction would), so nothing kicks the relay.
    await db.query(
      `insert into outbox (id, aggregate_type, aggregate_id, event_name, payload, occurred_at)
       select id, 'file', gen_random_uuid()::text, 'file.deleted', '{"ownerId":"crash-test"}', now() from unnest($1::uuid[]) as id`,
      [ids],
    );
    const relay = t.app.get(OutboxRelay);
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.domainEvents));
    const add = queue.add.bind(queue);
    let crashes = 0;
    const spy = jest.spyOn(queue, 'add').mockImplementation(async (...args: Parameters<Queue['add']>) => {
      const added = await add(...args);
      if (crashes++ < 2) throw new Error('relay process killed after enqueueing'); // transaction rolls back
      return added;
    });
    try {
      // The first dies after enqueueing its claimed batch; the second re-sends that same batch and dies too.
      await expect(relay.relayBatch(100)).rejects.toThrow('killed');
      await expect(relay.relayBatch(100)).rejects.toThrow('killed');
      expect(await unpublished()).toBe(200);
      await waitFor(() => countOf(ids).size > 0); // the dead relay's jobs did reach the EventBus
    } finally {
      spy.mockRestore();
      await maintenance.resume();
    }
    // Rows the dead relay had enqueued are still unpublished and get relayed again by the schedule.
    await waitFor(async () => (await unpublished()) === 0);
    await waitFor(() => countOf(ids).size === ids.length);
    await new Promise((r) => setTimeout(r, 1000));
    const counts = countOf(ids);
    expect(counts.size).toBe(200);
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
  });

  it('keeps events in the outbox while Redis cannot be reached, and relays them afterwards', async () => {
    const relay = t.app.get(OutboxRelay);
    const queue = t.app.get<Queue>(getQueueToken(QUEUES.domainEvents));
    const spy = jest.spyOn(queue, 'add').mockRejectedValue(new Error('Connection is closed.'));
    const ids = [uuidv7(), uuidv7()];
    try {
      await db.query(
        `insert into outbox (id, aggregate_type, aggregate_id, event_name, payload, occurred_at)
         select id, 'file', gen_random_uuid()::text, 'file.restored', '{"ownerId":"redis-down"}', now() from unnest($1::uuid[]) as id`,
        [ids],
      );
      await expect(relay.relayBatch()).rejects.toThrow('Connection is closed');
      const rows = await db.query('select published_at from outbox where id = any($1::uuid[])', [ids]);
      expect(rows.rows.every((r) => r.published_at === null)).toBe(true);
    } finally {
      spy.mockRestore();
    }
    await waitFor(() => countOf(ids).size === 2);
  });
});
