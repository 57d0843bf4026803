import { createConnection, createServer } from 'node:net';
import { ConfigError } from '../config/app-config';

export interface HostPort {
  host: string;
  port: number;
}

/** Reads "host:port" (an env override of a probe target); "off" disables the probe. */
export function parseProbeTarget(name: string, raw: string | undefined, fallback: HostPort): HostPort | undefined {
  const value = raw?.trim();
  if (!value) return fallback;
  if (value.toLowerCase() === 'off') return undefined;
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) throw new ConfigError([`${name} must be host:port or off, got "${value}"`]);
  return { host: m[1], port };
}

/** True when something accepts a TCP connection there within the timeout. */
export function canConnect({ host, port }: HostPort, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export type RedisAnswer = 'pong' | 'auth-required' | 'not-redis' | 'closed';

/** Sends an inline PING and classifies the reply, so a protected Redis is not mistaken for none. */
export function askRedis({ host, port }: HostPort, timeoutMs = 1000): Promise<RedisAnswer> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    let connected = false;
    let reply = '';
    const done = (answer: RedisAnswer) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(connected ? 'not-redis' : 'closed'));
    socket.once('error', () => done(connected ? 'not-redis' : 'closed'));
    socket.once('connect', () => {
      connected = true;
      socket.write('PING\r\n');
    });
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (!reply.includes('\r\n')) return;
      if (reply.startsWith('+PONG')) done('pong');
      else if (/^-(NOAUTH|DENIED|WRONGPASS)/.test(reply)) done('auth-required');
      else done('not-redis');
    });
    socket.once('close', () => done(connected ? 'not-redis' : 'closed'));
  });
}

function isFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The first free port from `preferred` upwards (a stable port is easier to connect to by hand), else any. */
export async function findFreePort(host: string, preferred: number, attempts = 20): Promise<number> {
  for (let port = preferred; port < preferred + attempts && port <= 65535; port++) {
    if ((await isFree(host, port)) && !(await canConnect({ host, port }, 200))) return port;
  }
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
