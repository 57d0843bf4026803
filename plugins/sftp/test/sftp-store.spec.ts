import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SftpStore } from '../src';
import { bytesOf, digestOf, randomBody, sha256 } from './support/bytes';
import { describeWithSshd } from './support/describe-with-sshd';
import { filesUnder } from './support/files';
import { startSshd, TestSshd } from './support/sshd';
import { storeOn } from './support/store';
import { until } from './support/until';

const UNLIMITED = { maxBytes: Number.MAX_SAFE_INTEGER };
const withCode = (code: string) => expect.objectContaining({ code });

describeWithSshd('SftpStore against a real sshd', () => {
  let sshd: TestSshd;
  let store: SftpStore;
  let root: string;

  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd.dispose();
  });
  beforeEach(() => {
    ({ store, root } = storeOn(sshd));
  });
  afterEach(async () => {
    await store.close();
  });

  describe('write and read', () => {
    it('round-trips a streamed body byte for byte and returns the key, size and SHA-256 it stored', async () => {
      const body = randomBody(3 * 1024 * 1024 + 17);
      const written = await store.write(body.chunks, UNLIMITED);
      expect(written).toEqual({
        key: expect.stringMatching(/^[0-9a-f]{32}$/),
        size: 3 * 1024 * 1024 + 17,
        sha256: body.sha256(),
      });
      expect(await digestOf(await store.read(written.key))).toEqual({ size: written.size, sha256: written.sha256 });
      expect(await store.head(written.key)).toEqual({ size: written.size });
    });

    it('keeps each object at <root>/<first two digits of its key>/<key>, with nothing left in .incoming', async () => {
      const { key } = await store.write([Buffer.from('placed')], UNLIMITED);
      expect(filesUnder(root)).toEqual([`${key.slice(0, 2)}/${key}`]);
    });

    it('stores an empty object and reads it back as no bytes', async () => {
      const written = await store.write([], UNLIMITED);
      expect(written).toMatchObject({ size: 0, sha256: sha256('') });
      expect(await bytesOf(await store.read(written.key))).toHaveLength(0);
      expect(await store.head(written.key)).toEqual({ size: 0 });
    });

    it('stores a 1-byte object', async () => {
      const written = await store.write([Buffer.from('x')], UNLIMITED);
      expect(written).toMatchObject({ size: 1, sha256: sha256('x') });
      expect((await bytesOf(await store.read(written.key))).toString()).toBe('x');
    });

    it('stores a body of many tiny chunks, also from Uint8Arrays that are not Buffers', async () => {
      const chunks = Array.from({ length: 5000 }, (_, i) => new Uint8Array([i & 0xff, (i >> 8) & 0xff, 7]));
      const expected = Buffer.concat(chunks);
      const written = await store.write(chunks, UNLIMITED);
      expect(written).toMatchObject({ size: expected.length, sha256: sha256(expected) });
      expect(sha256(await bytesOf(await store.read(written.key)))).toBe(sha256(expected));
    });

    it('gives every write a new key, even for the same bytes', async () => {
      const a = await store.write([Buffer.from('same')], UNLIMITED);
      const b = await store.write([Buffer.from('same')], UNLIMITED);
      expect(a.key).not.toBe(b.key);
      expect(a.sha256).toBe(b.sha256);
    });
  });

  describe('ranged reads', () => {
    const bytes = Buffer.from('0123456789abcdefghij'); // 20 bytes
    let key: string;
    beforeEach(async () => {
      ({ key } = await store.write([bytes], UNLIMITED));
    });
    const readRange = async (start: number, end?: number) =>
      (await bytesOf(await store.read(key, { start, end }))).toString();

    it('reads the first byte, the last byte and a single byte in the middle', async () => {
      expect(await readRange(0, 0)).toBe('0');
      expect(await readRange(19, 19)).toBe('j');
      expect(await readRange(19)).toBe('j');
      expect(await readRange(10, 10)).toBe('a');
    });

    it('reads a span inclusive of both ends, and from a start to the end', async () => {
      expect(await readRange(3, 7)).toBe('34567');
      expect(await readRange(15)).toBe('fghij');
    });

    it('clamps an end past the object to its last byte', async () => {
      expect(await readRange(16, 1000)).toBe('ghij');
      expect(await readRange(0, Number.MAX_SAFE_INTEGER)).toBe(bytes.toString());
    });

    it('refuses a start at or past the end as not satisfiable, and of an empty object any range', async () => {
      await expect(store.read(key, { start: 20 })).rejects.toThrow(withCode('ERR_RANGE_NOT_SATISFIABLE'));
      const empty = await store.write([], UNLIMITED);
      await expect(store.read(empty.key, { start: 0 })).rejects.toThrow(withCode('ERR_RANGE_NOT_SATISFIABLE'));
    });

    it('refuses a backwards or negative range as an invalid argument', async () => {
      await expect(store.read(key, { start: 5, end: 4 })).rejects.toThrow(withCode('ERR_INVALID_ARGUMENT'));
      await expect(store.read(key, { start: -1 })).rejects.toThrow(withCode('ERR_INVALID_ARGUMENT'));
    });

    it('reads a range of a large object without reading the rest', async () => {
      const body = randomBody(8 * 1024 * 1024);
      const chunks: Buffer[] = [];
      const tee = (async function* () {
        for await (const chunk of body.chunks) {
          chunks.push(Buffer.from(chunk));
          yield chunk;
        }
      })();
      const big = await store.write(tee, UNLIMITED);
      const all = Buffer.concat(chunks);
      const start = 5 * 1024 * 1024 + 3;
      const got = await bytesOf(await store.read(big.key, { start, end: start + 300_000 }));
      // Compared by hash: toEqual walks a Buffer byte by byte, which takes seconds at this size.
      expect(sha256(got)).toBe(sha256(all.subarray(start, start + 300_001)));
    });
  });

  describe('missing keys and delete', () => {
    const missing = 'f'.repeat(32);

    it('answers a key it never wrote with ERR_NOT_FOUND on read (before any byte) and null on head', async () => {
      await expect(store.read(missing)).rejects.toThrow(withCode('ERR_NOT_FOUND'));
      await expect(store.read(missing, { start: 0, end: 1 })).rejects.toThrow(withCode('ERR_NOT_FOUND'));
      expect(await store.head(missing)).toBeNull();
    });

    it('answers keys that are not its own, including path tricks, as missing without touching the server', async () => {
      for (const key of ['../../etc/passwd', '/etc/passwd', '', 'ABCDEF', `${missing}/..`]) {
        await expect(store.read(key)).rejects.toThrow(withCode('ERR_NOT_FOUND'));
        expect(await store.head(key)).toBeNull();
        await expect(store.delete(key)).resolves.toBeUndefined();
      }
    });

    it('deletes an object, and a second delete of it resolves too; afterwards it is not found', async () => {
      const { key } = await store.write([Buffer.from('short-lived')], UNLIMITED);
      await store.delete(key);
      await store.delete(key);
      expect(await store.head(key)).toBeNull();
      await expect(store.read(key)).rejects.toThrow(withCode('ERR_NOT_FOUND'));
      expect(filesUnder(root)).toEqual([]);
    });
  });

  describe('failed writes leave nothing behind', () => {
    it('rejects with the error of a source that throws mid-way, and no file remains', async () => {
      async function* failing() {
        yield Buffer.alloc(512 * 1024, 1);
        yield Buffer.alloc(512 * 1024, 2);
        throw new Error('the client went away');
      }
      await expect(store.write(failing(), UNLIMITED)).rejects.toThrow('the client went away');
      expect(filesUnder(root)).toEqual([]);
    });

    it('stores a body of exactly maxBytes and refuses one a byte longer as ERR_TOO_LARGE, storing nothing', async () => {
      await expect(store.write([Buffer.alloc(1000)], { maxBytes: 1000 })).resolves.toMatchObject({ size: 1000 });
      const before = filesUnder(root);
      await expect(store.write(randomBody(1001, 100).chunks, { maxBytes: 1000 })).rejects.toThrow(
        withCode('ERR_TOO_LARGE'),
      );
      expect(filesUnder(root)).toEqual(before);
    });

    it('refuses a body whose SHA-256 is not the expected one as ERR_CHECKSUM_MISMATCH, storing nothing', async () => {
      await expect(
        store.write([Buffer.from('right')], { ...UNLIMITED, expectedSha256: sha256('right') }),
      ).resolves.toMatchObject({
        sha256: sha256('right'),
      });
      const before = filesUnder(root);
      await expect(
        store.write([Buffer.from('wrong')], { ...UNLIMITED, expectedSha256: sha256('right') }),
      ).rejects.toThrow(withCode('ERR_CHECKSUM_MISMATCH'));
      expect(filesUnder(root)).toEqual(before);
    });

    it('stops a write whose signal aborts, rejecting with its reason and storing nothing', async () => {
      const controller = new AbortController();
      async function* slow() {
        yield Buffer.alloc(256 * 1024, 3);
        controller.abort(new Error('upload cancelled'));
        await new Promise(() => undefined); // the source would wait forever: only the signal ends the write
      }
      await expect(store.write(slow(), { ...UNLIMITED, signal: controller.signal })).rejects.toThrow(
        'upload cancelled',
      );
      expect(filesUnder(root)).toEqual([]);
    });
    it('sends nothing more for an aborted write, even into the handle number the server gives the next file', async () => {
      // OpenSSH reuses handle numbers: a WRITE sent late for the aborted upload would land in the next one.
      const controller = new AbortController();
      let resumeAborted = () => undefined as void;
      const resumed = new Promise<void>((resolve) => (resumeAborted = resolve));
      async function* stalled() {
        yield Buffer.alloc(1000, 0x41);
        controller.abort(new Error('cancelled'));
        await resumed;
        yield Buffer.alloc(300_000, 0x41); // what a late request would carry
      }
      await expect(store.write(stalled(), { ...UNLIMITED, signal: controller.signal })).rejects.toThrow('cancelled');
      let openGate = () => undefined as void;
      const gate = new Promise<void>((resolve) => (openGate = resolve));
      async function* next() {
        yield Buffer.alloc(1000, 0x42);
        await gate;
        yield Buffer.alloc(1000, 0x43);
      }
      const writing = store.write(next(), UNLIMITED);
      await until(() => filesUnder(root).some((path) => path.startsWith('.incoming/'))); // its file is open
      resumeAborted();
      await new Promise((resolve) => setTimeout(resolve, 200)); // time for a late request to arrive
      openGate();
      const written = await writing;
      expect(await digestOf(await store.read(written.key))).toEqual({ size: 2000, sha256: written.sha256 });
    });
  });

  describe('concurrency', () => {
    it('runs 10 parallel writes on one connection, each stored byte for byte', async () => {
      const bodies = Array.from({ length: 10 }, (_, i) => randomBody(256 * 1024 + i * 4099, 16 * 1024));
      const written = await Promise.all(bodies.map((body) => store.write(body.chunks, UNLIMITED)));
      expect(written.map((w) => w.sha256)).toEqual(bodies.map((body) => body.sha256()));
      const read = await Promise.all(written.map(async (w) => digestOf(await store.read(w.key))));
      expect(read).toEqual(written.map(({ size, sha256 }) => ({ size, sha256 })));
      expect(filesUnder(root)).toHaveLength(10);
    });

    it('holds no more operations in flight than its concurrency, queueing the rest', async () => {
      await store.close();
      ({ store, root } = storeOn(sshd, { concurrency: 2 }));
      let started = 0;
      let open = () => undefined as void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const gated = async function* () {
        started++;
        yield Buffer.from('first half ');
        await gate;
        yield Buffer.from('second half');
      };
      const writes = Array.from({ length: 6 }, () => store.write(gated(), UNLIMITED));
      await until(() => started >= 2);
      await new Promise((resolve) => setTimeout(resolve, 200)); // time for a third to start, if it could
      expect(started).toBe(2);
      open();
      expect(await Promise.all(writes)).toHaveLength(6);
      expect(started).toBe(6);
    });

    it('frees a read slot when its consumer stops early', async () => {
      await store.close();
      ({ store, root } = storeOn(sshd, { concurrency: 1 }));
      const { key } = await store.write(randomBody(4 * 1024 * 1024).chunks, UNLIMITED);
      for await (const _chunk of await store.read(key)) break;
      // With one slot, this would wait forever if the abandoned read still held it.
      expect(await store.head(key)).toEqual({ size: 4 * 1024 * 1024 });
    });
  });

  describe('health and housekeeping', () => {
    it('reports healthy when the root is a directory it can reach', async () => {
      expect(await store.health()).toEqual({ healthy: true });
    });

    it('reports unhealthy, naming the path, when the root does not exist', async () => {
      const { store: lost } = storeOn(sshd, { root: join(sshd.root, 'no-such-dir') });
      try {
        expect(await lost.health()).toEqual({ healthy: false, detail: expect.stringContaining('no-such-dir') });
      } finally {
        await lost.close();
      }
    });

    it('sweeps .part files left in .incoming once stale, and leaves fresh ones and objects', async () => {
      const { key } = await store.write([Buffer.from('kept')], UNLIMITED);
      const stale = join(root, '.incoming', 'deadbeef.0000.part');
      const fresh = join(root, '.incoming', 'cafebabe.0000.part');
      writeFileSync(stale, 'left by a dropped connection');
      writeFileSync(fresh, 'a write in progress');
      const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
      utimesSync(stale, twoHoursAgo, twoHoursAgo);
      expect(await store.sweepIncoming()).toBe(1);
      expect(filesUnder(root)).toEqual(['.incoming/cafebabe.0000.part', `${key.slice(0, 2)}/${key}`]);
    });
  });
});
