import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { EmbeddedService, exited, sleep } from '../../src/infrastructure/bootstrap/child-processes';
import { startEmbeddedRedis } from '../../src/infrastructure/bootstrap/embedded-redis';
import { askRedis, canConnect, findFreePort } from '../../src/infrastructure/bootstrap/tcp-probe';
import { tempDataDir } from './temp-data-dir';

async function withRedis<T>(url: string, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

const target = (url: string) => ({ host: new URL(url).hostname, port: Number(new URL(url).port) });

describe('embedded Redis (redis-server from PATH)', () => {
  let data: Awaited<ReturnType<typeof tempDataDir>>;
  let redis: EmbeddedService | undefined;

  beforeAll(async () => {
    Logger.overrideLogger(['warn', 'error']);
    data = await tempDataDir();
  });
  afterEach(async () => {
    await redis?.stop();
    redis = undefined;
  });
  afterAll(() => data.remove());

  it('starts redis-server on a free local port and answers PING', async () => {
    redis = await startEmbeddedRedis(data.dir);
    expect(redis).toBeDefined();
    expect(redis!.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(await askRedis(target(redis!.url))).toBe('pong');
    await withRedis(redis!.url, (client) => client.set('queued-job', 'kept'));
  });

  it('keeps what was queued across a restart (append-only file in DATA_DIR/redis)', async () => {
    redis = await startEmbeddedRedis(data.dir);
    expect(await withRedis(redis!.url, (client) => client.get('queued-job'))).toBe('kept');
  });

  it('stops cleanly: the port closes', async () => {
    redis = await startEmbeddedRedis(data.dir);
    const where = target(redis!.url);
    await redis!.stop();
    redis = undefined;
    expect(await canConnect(where)).toBe(false);
  });
});

describe('probing for Redis', () => {
  let server: ChildProcess | undefined;
  afterEach(async () => {
    if (server) {
      const gone = exited(server);
      server.kill('SIGTERM');
      await gone;
    }
    server = undefined;
  });

  it('tells a password-protected Redis apart from no Redis at all', async () => {
    const port = await findFreePort('127.0.0.1', 57379);
    server = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--requirepass',
        'not-for-us',
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: 'ignore' },
    );
    await once(server, 'spawn');
    for (let i = 0; i < 50 && !(await canConnect({ host: '127.0.0.1', port })); i++) await sleep(100);
    expect(await askRedis({ host: '127.0.0.1', port })).toBe('auth-required');
  });

  it('reports a closed port as closed', async () => {
    expect(await askRedis({ host: '127.0.0.1', port: 1 })).toBe('closed');
  });
});
