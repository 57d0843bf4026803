import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import { describeWithSshd } from './support/describe-with-sshd';
import { startSshd, TestSshd } from './support/sshd';

describeWithSshd('the test sshd', () => {
  let sshd: TestSshd;
  let client: SftpClient;

  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd.dispose();
  });
  beforeEach(async () => {
    client = new SftpClient('sshd-spec', {});
    await client.connect({ host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.privateKey });
  });
  afterEach(async () => {
    await client.end();
  });

  it('serves SFTP on a loopback port other than 22, starting in its own root', async () => {
    expect(sshd.host).toBe('127.0.0.1');
    expect(sshd.port).not.toBe(22);
    expect(await client.cwd()).toBe(sshd.root);
  });

  it('round-trips a file through put, stat, get and delete with ssh2-sftp-client', async () => {
    const bytes = Buffer.from('a file kept by the test sshd\n');
    await client.put(bytes, 'hello.txt');
    expect(readFileSync(join(sshd.root, 'hello.txt'))).toEqual(bytes);
    expect((await client.stat('hello.txt')).size).toBe(bytes.length);
    expect(await client.get('hello.txt')).toEqual(bytes);
    await client.delete('hello.txt');
    expect(existsSync(join(sshd.root, 'hello.txt'))).toBe(false);
    expect(await client.exists('hello.txt')).toBe(false);
  });

  it('refuses a client key it does not know', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      format: 'pem',
      type: 'pkcs1',
    });
    const other = new SftpClient('stranger', {});
    await expect(
      other.connect({ host: sshd.host, port: sshd.port, username: sshd.username, privateKey: stranger }),
    ).rejects.toThrow(/authentication/i);
  });

  it('cuts live sessions when stopped and serves again, same port and keys, after a restart', async () => {
    const dropped = new Promise<void>((resolve) => client.on('close', () => resolve()));
    const port = sshd.port;
    await sshd.stop();
    await dropped;
    await sshd.restart();
    expect(sshd.port).toBe(port);
    client = new SftpClient('sshd-spec', {});
    await client.connect({ host: sshd.host, port: sshd.port, username: sshd.username, privateKey: sshd.privateKey });
    expect(await client.cwd()).toBe(sshd.root);
  });
});
