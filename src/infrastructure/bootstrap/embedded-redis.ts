import { ChildProcess, spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { BootstrapError } from './bootstrap-error';
import {
  clearStalePidFile,
  EmbeddedService,
  exited,
  findOnPath,
  openLogFile,
  sleep,
  StopSignals,
  stopChild,
  tailOf,
} from './child-processes';
import { askRedis, findFreePort } from './tcp-probe';

export const EMBEDDED_REDIS_PORT = 56379;
/** SIGTERM makes Redis flush its append-only file and exit cleanly. */
const REDIS_STOP: StopSignals = { polite: 'SIGTERM', force: 'SIGKILL' };
const logger = new Logger('EmbeddedRedis');

export const REDIS_INSTALL_HINT =
  'Install Redis (apt install redis-server, brew install redis, or docker run -d -p 6379:6379 redis:7) ' +
  'and start it on 127.0.0.1:6379, or set REDIS_URL=redis://HOST:PORT.';

function spawnRedis(bin: string, dir: string, port: number, logFd: number): ChildProcess {
  // Persistence on: queued jobs must survive a restart. Detached: Ctrl+C reaches only this process,
  // which closes the app (and its queues) before Redis.
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--save',
    '',
    '--pidfile',
    path.join(dir, 'redis-server.pid'),
    '--daemonize',
    'no',
  ];
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', logFd, logFd] });
  child.once('error', (error) => logger.error(`Could not run ${bin}: ${error.message}`));
  child.unref();
  return child;
}

async function waitUntilReady(child: ChildProcess, port: number): Promise<'ready' | 'exited'> {
  const gone = exited(child).then(() => 'exited' as const);
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    if (child.exitCode !== null || child.signalCode !== null) return 'exited';
    if ((await askRedis({ host: '127.0.0.1', port }, 1000)) === 'pong') return 'ready';
    if ((await Promise.race([gone, sleep(100)])) === 'exited') return 'exited';
  }
  throw new BootstrapError('The redis-server started for FlexStorage did not answer PING within a minute.');
}

/**
 * Runs redis-server from PATH as a child, on a free local port, with its append-only file in
 * DATA_DIR/redis. Undefined when there is no redis-server to run.
 */
export async function startEmbeddedRedis(dataDir: string): Promise<EmbeddedService | undefined> {
  const bin = await findOnPath('redis-server');
  if (!bin) return undefined;
  const dir = path.join(dataDir, 'redis');
  const logFile = path.join(dataDir, 'logs', 'redis.log');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await mkdir(path.dirname(logFile), { recursive: true });
  await clearStalePidFile(path.join(dir, 'redis-server.pid'), 'redis-server', REDIS_STOP, logger);

  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort('127.0.0.1', EMBEDDED_REDIS_PORT);
    const logFd = await openLogFile(logFile);
    const child = spawnRedis(bin, dir, port, logFd);
    closeSync(logFd);
    const started = await waitUntilReady(child, port).catch(async (error: unknown) => {
      await stopChild(child, REDIS_STOP, 5_000);
      throw error;
    });
    if (started === 'exited') {
      const tail = await tailOf(logFile);
      if (attempt < 3 && /address already in use/i.test(tail)) continue;
      throw new BootstrapError(`${bin} stopped while starting. End of ${logFile}:\n${tail}`);
    }
    let stopping = false;
    child.once('exit', (code, signal) => {
      if (!stopping) logger.error(`redis-server exited unexpectedly (${signal ?? `code ${code}`}); see ${logFile}`);
    });
    logger.log(`Started ${bin} on 127.0.0.1:${port} (data ${dir}, log ${logFile})`);
    return {
      url: `redis://127.0.0.1:${port}`,
      stop: async () => {
        stopping = true;
        await stopChild(child, REDIS_STOP, 20_000);
        logger.log('redis-server stopped');
      },
      kill: () => {
        stopping = true;
        if (child.exitCode === null && child.signalCode === null) child.kill(REDIS_STOP.polite);
      },
    };
  }
}
