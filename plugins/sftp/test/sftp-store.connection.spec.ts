import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { SftpStore } from '../src';
import { digestOf, randomBody } from './support/bytes';
import { describeWithSshd } from './support/describe-with-sshd';
import { filesUnder } from './support/files';
import { startSshd, TestSshd } from './support/sshd';
import { storeOn } from './support/store';

const UNLIMITED = { maxBytes: Number.MAX_SAFE_INTEGER };
const withCode = (code: string) => expect.objectContaining({ code });

describeWithSshd('SftpStore connection handling', () => {
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
    await sshd.restart(); // every test starts with a server that is up, whatever the last one did
  });

  it('reconnects on its own after the server restarts: old objects read back, new writes succeed', async () => {
    const body = randomBody(1024 * 1024);
    const before = await store.write(body.chunks, UNLIMITED);
    await sshd.restart();
    expect(await digestOf(await store.read(before.key))).toEqual({ size: before.size, sha256: before.sha256 });
    const after = await store.write([Buffer.from('after the restart')], UNLIMITED);
    expect(await store.head(after.key)).toEqual({ size: 17 });
  });

  it('shares one new connection among operations that all find the old one gone', async () => {
    const written = await Promise.all([1, 2, 3, 4].map((n) => store.write([Buffer.alloc(n)], UNLIMITED)));
    await sshd.restart();
    const heads = await Promise.all(written.map((w) => store.head(w.key)));
    expect(heads).toEqual([{ size: 1 }, { size: 2 }, { size: 3 }, { size: 4 }]);
  });

  it('reports unhealthy while the server is down and healthy once it is back, failing operations meanwhile', async () => {
    expect(await store.health()).toEqual({ healthy: true });
    await sshd.stop();
    expect(await store.health()).toEqual({ healthy: false, detail: expect.stringContaining(`127.0.0.1:${sshd.port}`) });
    await expect(store.write([Buffer.from('nowhere')], UNLIMITED)).rejects.toThrow(withCode('ERR_UNAVAILABLE'));
    await expect(store.head('a'.repeat(32))).rejects.toThrow(withCode('ERR_UNAVAILABLE'));
    await sshd.restart();
    expect(await store.health()).toEqual({ healthy: true });
  });

  it('fails a write whose server dies mid-body with ERR_UNAVAILABLE and publishes no object', async () => {
    async function* dying() {
      yield Buffer.alloc(512 * 1024, 1);
      await sshd.stop();
      yield Buffer.alloc(512 * 1024, 2);
      yield Buffer.alloc(512 * 1024, 3);
    }
    await expect(store.write(dying(), UNLIMITED)).rejects.toThrow(withCode('ERR_UNAVAILABLE'));
    await sshd.restart();
    // At most the partial file, which only sweepIncoming removes: never an object under a shard.
    expect(filesUnder(root).filter((path) => !path.startsWith('.incoming/'))).toEqual([]);
    const next = await store.write([Buffer.from('the next one works')], UNLIMITED);
    expect(filesUnder(root)).toContain(`${next.key.slice(0, 2)}/${next.key}`);
  });

  it('fails a read whose server dies mid-stream instead of ending it short', async () => {
    const { key } = await store.write(randomBody(16 * 1024 * 1024).chunks, UNLIMITED);
    const stream = await store.read(key);
    let received = 0;
    const consume = (async () => {
      for await (const chunk of stream) {
        received += chunk.length;
        if (received === chunk.length) await sshd.stop();
      }
    })();
    await expect(consume).rejects.toThrow(withCode('ERR_UNAVAILABLE'));
    expect(received).toBeLessThan(16 * 1024 * 1024);
  });

  it('refuses a server whose host key is not the pinned one, naming both fingerprints', async () => {
    const wrong = `SHA256:${randomBytes(32).toString('base64').replace(/=$/, '')}`;
    const { store: pinned } = storeOn(sshd, { hostKeySha256: wrong });
    try {
      expect(await pinned.health()).toEqual({ healthy: false, detail: expect.stringContaining(sshd.hostKeySha256) });
      await expect(pinned.head('a'.repeat(32))).rejects.toThrow(
        expect.objectContaining({ code: 'ERR_HOST_KEY_MISMATCH', message: expect.stringContaining(wrong) }),
      );
    } finally {
      await pinned.close();
    }
  });

  it('connects without a pinned host key too', async () => {
    const { store: unpinned } = storeOn(sshd, { hostKeySha256: undefined });
    try {
      expect(await unpinned.health()).toEqual({ healthy: true });
    } finally {
      await unpinned.close();
    }
  });

  it('answers a key the server does not accept with ERR_UNAVAILABLE naming the address', async () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      format: 'pem',
      type: 'pkcs1',
    });
    const { store: refused } = storeOn(sshd, { privateKey: stranger });
    try {
      await expect(refused.head('a'.repeat(32))).rejects.toThrow(
        expect.objectContaining({
          code: 'ERR_UNAVAILABLE',
          message: expect.stringContaining(`@127.0.0.1:${sshd.port}`),
        }),
      );
    } finally {
      await refused.close();
    }
  });

  it('refuses to be made without a key or a password', () => {
    expect(() => new SftpStore({ host: '127.0.0.1', username: 'x', root: '/' })).toThrow(
      withCode('ERR_INVALID_ARGUMENT'),
    );
  });

  it('refuses operations once closed', async () => {
    await store.health();
    await store.close();
    await expect(store.head('a'.repeat(32))).rejects.toThrow(withCode('ERR_UNAVAILABLE'));
    expect(await store.health()).toEqual({ healthy: false, detail: expect.stringContaining('closed') });
  });
});
