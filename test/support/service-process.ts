import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { createTestDatabase, TestDatabase } from './test-database';

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The real service (src/main.ts, as `npm start` runs it) in a child process a test can kill -9. */
export async function startService(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-r', path.join(__dirname, '../bootstrap/support/register-swc.js'), path.join(__dirname, '../../src/main.ts')],
    {
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'error' },
      stdio: 'ignore',
    },
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('service did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
}

/**
 * What a test needs to run the real service as child processes: its own database, data dir and
 * queue prefix, the environment pointing at them, and a cleanup that kills every child started.
 */
export interface ServiceSandbox {
  db: TestDatabase;
  dataDir: string;
  env: Record<string, string>;
  children: ChildProcess[];
  cleanup(): Promise<void>;
}

export async function serviceSandbox(
  name: string,
  secret: string,
  extraEnv: Record<string, string> = {},
): Promise<ServiceSandbox> {
  const db = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(tmpdir(), `flexstorage-${name}-`));
  const children: ChildProcess[] = [];
  return {
    db,
    dataDir,
    children,
    env: {
      DATABASE_URL: db.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      DATA_DIR: dataDir,
      JWT_SECRET: secret,
      QUEUE_PREFIX: `fs-${name}-${randomBytes(4).toString('hex')}`,
      ...extraEnv,
    },
    cleanup: async () => {
      for (const c of children) await killHard(c);
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
