import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { sleep } from '../../src/infrastructure/bootstrap/child-processes';
import { canConnect } from '../../src/infrastructure/bootstrap/tcp-probe';
import { tempDataDir } from './temp-data-dir';

interface Scenario {
  child: ChildProcess;
  output(): string;
  redis: { host: string; port: number };
  exit: Promise<number | null>;
}

/** Starts support/shutdown-scenario.ts in its own node process and waits until it is ready. */
async function startScenario(dataDir: string, closeMs: number): Promise<Scenario> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      path.join(__dirname, 'support/register-swc.js'),
      path.join(__dirname, 'support/shutdown-scenario.ts'),
      dataDir,
      String(closeMs),
    ],
    { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (let i = 0; i < 300 && !/ready redis:/.test(output); i++) await sleep(100);
  const url = /ready (redis:\S+)/.exec(output)?.[1];
  if (!url) throw new Error(`scenario did not start:\n${output}`);
  return { child, output: () => output, redis: { host: new URL(url).hostname, port: Number(new URL(url).port) }, exit };
}

describe('graceful shutdown', () => {
  let data: Awaited<ReturnType<typeof tempDataDir>>;
  beforeEach(async () => {
    data = await tempDataDir();
  });
  afterEach(() => data.remove());

  it('on SIGTERM closes the app while Redis still answers, then stops Redis, then exits 0', async () => {
    const scenario = await startScenario(data.dir, 300);
    scenario.child.kill('SIGTERM');
    expect(await scenario.exit).toBe(0);

    const lines = scenario.output().split('\n');
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    expect(at('app closed (SIGTERM), redis answered pong')).toBeGreaterThan(-1);
    expect(at('redis-server stopped')).toBeGreaterThan(at('app closed'));
    expect(at('Shut down')).toBeGreaterThan(at('redis-server stopped'));
    expect(await canConnect(scenario.redis)).toBe(false);
  });

  it('on a second SIGINT (not the immediate repeat npm forwards) exits at once, and Redis still shuts down on its own', async () => {
    const scenario = await startScenario(data.dir, 60_000);
    scenario.child.kill('SIGINT');
    scenario.child.kill('SIGINT'); // the same Ctrl+C, forwarded by npm: still graceful
    await sleep(1500);
    expect(scenario.output()).not.toContain('exiting now');
    scenario.child.kill('SIGINT');
    expect(await scenario.exit).toBe(1);
    expect(scenario.output()).toContain('SIGINT again: exiting now');
    expect(scenario.output()).not.toContain('app closed');
    for (let i = 0; i < 50 && (await canConnect(scenario.redis)); i++) await sleep(100);
    expect(await canConnect(scenario.redis)).toBe(false);
  });
});
