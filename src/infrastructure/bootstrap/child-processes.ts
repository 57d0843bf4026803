import { ChildProcess, execFile } from 'node:child_process';
import { constants, open } from 'node:fs';
import { access, readFile, unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { BootstrapError } from './bootstrap-error';

/** How a server wants to be stopped: a clean shutdown first, then the last resort. */
export interface StopSignals {
  polite: NodeJS.Signals;
  force: NodeJS.Signals;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a running process, where the platform lets us read it (Linux /proc, else ps). */
async function commandLineOf(pid: number): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ');
  } catch {
    return new Promise((resolve) => {
      execFile('ps', ['-o', 'command=', '-p', String(pid)], (error, stdout) => resolve(error ? undefined : stdout));
    });
  }
}

async function parentOf(pid: number): Promise<number | undefined> {
  try {
    return Number(/^PPid:\s+(\d+)/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1]) || undefined;
  } catch {
    return new Promise((resolve) => {
      execFile('ps', ['-o', 'ppid=', '-p', String(pid)], (error, stdout) =>
        resolve(error ? undefined : Number(stdout.trim()) || undefined),
      );
    });
  }
}

async function waitForPidExit(pid: number, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) {
    if (!isProcessAlive(pid)) return true;
  }
  return !isProcessAlive(pid);
}

/**
 * Makes way for a fresh server on a data directory whose pid file outlived its owner. When the
 * previous FlexStorage process was killed outright, its server may still run detached: it is asked
 * to stop (two servers on one data directory would corrupt it). A file naming a dead or unrelated
 * process is simply removed.
 */
export async function clearStalePidFile(
  pidFile: string,
  command: string,
  signals: StopSignals,
  log: Logger,
): Promise<void> {
  let pid: number;
  try {
    pid = Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0], 10);
  } catch {
    return;
  }
  const running = Number.isInteger(pid) && pid > 0 && pid !== process.pid && isProcessAlive(pid);
  if (running && (await commandLineOf(pid))?.includes(command)) {
    // Still the child of a live node process (not re-parented): another FlexStorage is using it right now.
    const parent = await parentOf(pid);
    if (parent && parent !== 1 && isProcessAlive(parent) && (await commandLineOf(parent))?.includes('node')) {
      throw new BootstrapError(
        `${path.dirname(pidFile)} is in use by the ${command} (pid ${pid}) of process ${parent}. Stop that process, or use another DATA_DIR.`,
      );
    }
    log.warn(
      `A ${command} (pid ${pid}) left running by an earlier run still holds ${path.dirname(pidFile)}: stopping it`,
    );
    process.kill(pid, signals.polite);
    if (!(await waitForPidExit(pid, 30_000))) {
      process.kill(pid, signals.force);
      if (!(await waitForPidExit(pid, 5_000)))
        throw new BootstrapError(`Could not stop ${command} (pid ${pid}); stop it by hand and start again.`);
    }
  }
  if (
    await unlink(pidFile).then(
      () => true,
      () => false,
    )
  ) {
    log.warn(`Removed stale ${path.basename(pidFile)} left by an earlier run that did not shut down cleanly`);
  }
}

/** Opens a log file for a child's stdout and stderr; the caller closes its copy after spawning. */
export function openLogFile(file: string): Promise<number> {
  // A raw descriptor, not a FileHandle: a FileHandle would close itself when garbage-collected.
  return promisify(open)(file, 'a', 0o640);
}

/** The end of a child's log, for error messages when it would not start. */
export async function tailOf(file: string, lines = 15): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .trimEnd()
    .split('\n')
    .slice(-lines)
    .map((l) => `    ${l}`)
    .join('\n');
}

/** Resolves once the child has exited; rejects nothing. */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Sends the polite signal, waits up to `graceMs`, then the forceful one. */
export async function stopChild(child: ChildProcess, signals: StopSignals, graceMs: number): Promise<void> {
  const gone = exited(child);
  child.kill(signals.polite);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
  const inTime = await Promise.race([gone.then(() => true), late]);
  clearTimeout(timer);
  if (!inTime) {
    child.kill(signals.force);
    await gone;
  }
}

export async function findOnPath(command: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, command);
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return undefined;
}

/** A server this process started and must stop. */
export interface EmbeddedService {
  /** Connection URL, credentials included: log it through redactUrl only. */
  readonly url: string;
  /** Clean shutdown, resolved once the process has exited. */
  stop: () => Promise<void>;
  /** When this process must exit now: asks for a clean shutdown without waiting for it. */
  kill: () => void;
}

/** Node's own require, bypassing jest's module registry, which cannot load ES modules with require(). */
export function nativeRequire(from: string): NodeJS.Require {
  return process.getBuiltinModule('node:module').createRequire(from);
}
