import { readFileSync, unlinkSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { isProcessAlive } from './child-processes';
import { canConnect } from './tcp-probe';

/**
 * DATA_DIR/runtime.json: what the API process found or started, so that `npm run start:worker`
 * (or a second API) on the same DATA_DIR uses the same PostgreSQL and Redis instead of starting
 * its own. Holds credentials, hence mode 0600; removed when the API stops.
 */
export interface RuntimeFile {
  pid: number;
  startedAt: string;
  databaseUrl?: string;
  redisUrl?: string;
}

export const runtimeFilePath = (dataDir: string) => path.join(dataDir, 'runtime.json');

async function answers(url: string): Promise<boolean> {
  const u = new URL(url);
  return canConnect({ host: u.hostname, port: Number(u.port) || (u.protocol.startsWith('redis') ? 6379 : 5432) });
}

/** The file written by another process that is still running, keeping only the services that still answer. */
export async function readLiveRuntimeFile(dataDir: string): Promise<RuntimeFile | undefined> {
  let file: RuntimeFile;
  try {
    file = JSON.parse(await readFile(runtimeFilePath(dataDir), 'utf8')) as RuntimeFile;
  } catch {
    return undefined;
  }
  if (!Number.isInteger(file.pid) || file.pid === process.pid || !isProcessAlive(file.pid)) return undefined;
  const databaseUrl = file.databaseUrl && (await answers(file.databaseUrl)) ? file.databaseUrl : undefined;
  const redisUrl = file.redisUrl && (await answers(file.redisUrl)) ? file.redisUrl : undefined;
  return databaseUrl || redisUrl ? { ...file, databaseUrl, redisUrl } : undefined;
}

export async function writeRuntimeFile(
  dataDir: string,
  content: Omit<RuntimeFile, 'pid' | 'startedAt'>,
): Promise<void> {
  const file: RuntimeFile = { pid: process.pid, startedAt: new Date().toISOString(), ...content };
  const temp = `${runtimeFilePath(dataDir)}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, runtimeFilePath(dataDir));
}

/** Synchronous, so it can also run from the process 'exit' event; leaves another process's file alone. */
export function removeRuntimeFile(dataDir: string): void {
  try {
    const file = JSON.parse(readFileSync(runtimeFilePath(dataDir), 'utf8')) as RuntimeFile;
    if (file.pid === process.pid) unlinkSync(runtimeFilePath(dataDir));
  } catch {
    // Already gone or unreadable: nothing of ours to remove.
  }
}
