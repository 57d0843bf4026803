import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * A private OpenSSH sshd serving SFTP on a loopback port, for tests and benches: its own host key,
 * client key, authorized_keys and config in a temp directory; never the system's sshd, port 22 or
 * /etc/ssh/sshd_config. Erasable TypeScript with only node: imports, so plain Node (type
 * stripping) can require it from bench/ as well as jest.
 */
export interface TestSshd {
  host: string;
  port: number;
  username: string;
  /** The client's private key (OpenSSH format, no passphrase). */
  privateKey: string;
  /** The server's host key fingerprint as `ssh-keygen -l` prints it: `SHA256:<base64>`. */
  hostKeySha256: string;
  /** Absolute path of the directory SFTP sessions start in; also a local path (same machine). */
  root: string;
  /** Kills the server and every session it serves, as a crash or a restart would. */
  stop(): Promise<void>;
  /** stop(), then the same server (port, keys, root) again. */
  restart(): Promise<void>;
  /** stop(), then removes the temp directory. */
  dispose(): Promise<void>;
  /** The last few KB sshd wrote to stderr (LogLevel ERROR), for failure messages. */
  log(): string;
}

export const SSHD = process.env.SSHD_PATH || '/usr/sbin/sshd';

/** Why SFTP suites cannot run here, or undefined when they can. */
export const SSHD_MISSING = existsSync(SSHD) ? undefined : `${SSHD} not found: apt-get install openssh-server`;

const READY_TIMEOUT_MS = 10_000;

export async function startSshd(): Promise<TestSshd> {
  if (SSHD_MISSING) throw new Error(SSHD_MISSING);
  ensurePrivilegeSeparationDir();
  const dir = mkdtempSync(join(tmpdir(), 'flexstorage-sshd-'));
  const root = join(dir, 'root');
  mkdirSync(root);
  const hostKey = join(dir, 'host_ed25519');
  const clientKey = join(dir, 'client_ed25519');
  keygen(hostKey);
  keygen(clientKey);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`), { mode: 0o600 });
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`], { encoding: 'utf8' });
  const hostKeySha256 = fingerprint.split(' ')[1];

  let port = 0;
  let child: ChildProcess | undefined;
  const stderr = { text: '' };
  const launch = async () => {
    // Between picking a free port and sshd binding it another process may take it: try again.
    for (let attempt = 1; ; attempt++) {
      port = port || (await freePort());
      writeFileSync(join(dir, 'sshd_config'), sshdConfig(dir, root, port));
      try {
        child = await spawnSshd(dir, port, stderr);
        return;
      } catch (error) {
        if (attempt >= 3 || !/Address already in use/.test(String(error))) throw error;
        port = 0;
      }
    }
  };
  const stop = async () => {
    if (child) await killTree(child);
    child = undefined;
  };
  await launch();
  return {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    username: userInfo().username,
    privateKey: readFileSync(clientKey, 'utf8'),
    hostKeySha256,
    root,
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => stderr.text,
  };
}

function sshdConfig(dir: string, root: string, port: number): string {
  return [
    'ListenAddress 127.0.0.1',
    `Port ${port}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `HostKey ${join(dir, 'host_ed25519')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `AllowUsers ${userInfo().username}`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    // The key files sit in a temp directory under /tmp, and tests run as root: no ownership checks.
    'StrictModes no',
    'UseDNS no',
    'PrintMotd no',
    'PermitTTY no',
    'AllowTcpForwarding no',
    'X11Forwarding no',
    'Subsystem sftp internal-sftp',
    // ChrootDirectory needs every path component root-owned and not group/world-writable, which
    // /tmp is not; a forced start directory gives the provider a root we control just as well.
    `ForceCommand internal-sftp -d ${root}`,
    'LogLevel ERROR',
    '',
  ].join('\n');
}

function keygen(file: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'flexstorage-test', '-f', file]);
}

/** sshd refuses to start without its privilege-separation directory, which only the package's service creates. */
function ensurePrivilegeSeparationDir(): void {
  try {
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  } catch {
    // Not root: sshd will say what it misses.
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A last resort for a test process that ends without teardown; setpriv covers the kill -9 case. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) if (child.pid) killQuietly(child.pid, 'SIGKILL');
  });
}

/**
 * Starts sshd in the foreground (-D) logging to stderr (-e) and resolves once it greets on its
 * port. Through `setpriv --pdeathsig` (util-linux, in every Debian) the kernel kills sshd when
 * this process dies, however it dies.
 */
async function spawnSshd(dir: string, port: number, stderr: { text: string }): Promise<ChildProcess> {
  const args = [SSHD, '-D', '-e', '-f', join(dir, 'sshd_config')];
  const withDeathSignal = existsSync('/usr/bin/setpriv') ? ['/usr/bin/setpriv', '--pdeathsig', 'KILL', ...args] : args;
  const child = spawn(withDeathSignal[0], withDeathSignal.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  installExitHook();
  stderr.text = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr.text = (stderr.text + text).slice(-4000)));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      reject(new Error(`sshd exited (${signal ?? code}) before accepting connections: ${stderr.text.trim()}`));
    }),
  );
  exited.catch(() => undefined); // observed below; after start-up an exit is stop()'s business
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const greeting = await Promise.race([sshGreeting(port), exited]);
    if (greeting) return child;
    if (Date.now() > deadline) {
      await killTree(child);
      throw new Error(
        `sshd did not accept connections on 127.0.0.1:${port} within ${READY_TIMEOUT_MS} ms: ${stderr.text}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** True when the port answers with an SSH banner (sshd is accepting, not just some listener). */
function sshGreeting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString('latin1').startsWith('SSH-')));
  });
}

/**
 * Each connection's sshd calls setsid(), so killing the listener (or its process group) leaves
 * live sessions behind. The descendants are listed before anything dies, then all are killed.
 */
async function killTree(child: ChildProcess): Promise<void> {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  const pids = [child.pid, ...descendantsOf(child.pid)];
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (const pid of pids) killQuietly(pid, 'SIGKILL');
  await exited;
  running.delete(child);
}

function descendantsOf(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [candidate, ppid] of parentOf) {
      if (ppid === parent) {
        found.push(candidate);
        queue.push(candidate);
      }
    }
  }
  return found;
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
