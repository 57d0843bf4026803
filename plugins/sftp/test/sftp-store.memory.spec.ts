import { SftpStore } from '../src';
import { digestOf, randomBody } from './support/bytes';
import { describeWithSshd } from './support/describe-with-sshd';
import { rssPeak } from './support/rss';
import { startSshd, TestSshd } from './support/sshd';
import { storeOn } from './support/store';

const SIZE = 128 * 1024 * 1024;
const MB = 1e6;

describeWithSshd('SftpStore memory', () => {
  let sshd: TestSshd;
  let store: SftpStore;

  beforeAll(async () => {
    sshd = await startSshd();
    ({ store } = storeOn(sshd));
    // Connection, ssh2's buffers and the JIT warmed up first, so only the transfer is measured.
    const warm = await store.write(randomBody(8 * 1024 * 1024).chunks, { maxBytes: SIZE });
    await digestOf(await store.read(warm.key));
  });
  afterAll(async () => {
    await store.close();
    await sshd.dispose();
  });

  it('streams a 128 MiB write and its read back in flat memory (RSS grows < 64 MB)', async () => {
    const body = randomBody(SIZE, 256 * 1024);
    const writing = rssPeak();
    const written = await store.write(body.chunks, { maxBytes: SIZE });
    const writeGrowth = writing.stop();
    expect(written).toMatchObject({ size: SIZE, sha256: body.sha256() });

    const reading = rssPeak();
    const read = await digestOf(await store.read(written.key));
    const readGrowth = reading.stop();
    expect(read).toEqual({ size: SIZE, sha256: written.sha256 });

    console.log(
      `128 MiB: RSS growth ${(writeGrowth / MB).toFixed(0)} MB writing, ${(readGrowth / MB).toFixed(0)} MB reading`,
    );
    expect(writeGrowth).toBeLessThan(64 * MB);
    expect(readGrowth).toBeLessThan(64 * MB);
  }, 120_000);
});
