import { randomBytes } from 'node:crypto';
import { digest, expectProblem, startTusApp, TusClient } from './tus-raw-client';

/** The server's own limits on tus uploads: unfinished uploads and reserved bytes per user. */
describe('tus per-user upload quota (e2e)', () => {
  let c: TusClient;
  let close: () => Promise<void>;
  const limits = { UPLOAD_MAX_ACTIVE: '2', UPLOAD_MAX_RESERVED: '1000' };
  beforeAll(async () => ({ c, close } = await startTusApp(limits, '9000')));
  afterAll(() => close?.());

  it('refuses a third unfinished upload (429) until one of them ends', async () => {
    const u = c.user();
    const a = await c.created(u.token, { length: 10 });
    await c.created(u.token, { length: 10 });
    const third = await c.create(u.token, { length: 10 });
    expectProblem(third, 429, 'upload-quota-exceeded');
    expect(await c.count('upload_sessions', u.id)).toBe(2);

    // Another user is not affected.
    expect((await c.create(c.user().token, { length: 10 })).status).toBe(201);

    // Finishing one frees its place.
    await c.sendAll(u.token, a.url, randomBytes(10), 10);
    expect((await c.create(u.token, { length: 10 })).status).toBe(201);
  });

  // BUG: a creation-with-upload whose body is refused (460 checksum, 413 too long) answers without
  // a Location, yet its session was saved first and stays active: the client can neither resume
  // nor terminate it, and it holds a quota place (and its reservation) until it expires.
  it('does not let refused creation-with-upload requests hold quota places', async () => {
    const u = c.user();
    const body = randomBytes(20);
    const badChecksum = await c.create(u.token, {
      length: 20,
      body,
      headers: { 'upload-checksum': `sha1 ${digest('sha1', randomBytes(1))}` },
    });
    expectProblem(badChecksum, 460);
    expect(badChecksum.headers.location).toBeUndefined();
    const tooLong = await c.create(u.token, { length: 10, body });
    expectProblem(tooLong, 413);
    expect(tooLong.headers.location).toBeUndefined();

    const { rows } = await c.db.query(
      "select count(*)::int as n from upload_sessions where owner_id = $1 and status = 'active'",
      [u.id],
    );
    expect(rows[0].n).toBe(0);
    expect((await c.create(u.token, { length: 10 })).status).toBe(201);
  });

  it('refuses an upload that would pass the reserved bytes limit (413)', async () => {
    const u = c.user();
    expectProblem(await c.create(u.token, { length: 1001 }), 413, 'upload-quota-exceeded');
    const big = await c.created(u.token, { length: 600 });
    expectProblem(await c.create(u.token, { length: 401 }), 413, 'upload-quota-exceeded');
    expect(await c.count('upload_sessions', u.id)).toBe(1);

    // Terminating frees the reservation.
    expect((await c.send('DELETE', big.url, { token: u.token })).status).toBe(204);
    expect((await c.create(u.token, { length: 1000 })).status).toBe(201);
  });
});
