import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import jwt from 'jsonwebtoken';
import { OWN_ISSUER } from '../src/infrastructure/auth/jwt.strategy';
import { api, uploadMultipart } from './support/http-client';
import { freePort, serviceSandbox, ServiceSandbox } from './support/service-process';

const SECRET = 'observability-secret-0123456789abcdef0123456789ab';

const notJson: string[] = [];
function parseLine(line: string): Record<string, unknown> {
  try {
    return JSON.parse(line);
  } catch {
    notJson.push(line);
    return {};
  }
}

/** The real service as `npm start` runs it, its stdout read line by line as JSON. */
describe('observability: JSON logs with request, user and job ids; Prometheus metrics; queue health', () => {
  let box: ServiceSandbox;
  let child: ChildProcess;
  let base: string;
  const lines: Record<string, unknown>[] = [];
  const token = (sub: string, roles = ['user']) =>
    jwt.sign({ sub, roles, typ: 'access' }, SECRET, { issuer: OWN_ISSUER, expiresIn: 600 });

  beforeAll(async () => {
    box = await serviceSandbox('observability', SECRET, {
      JOBS_DIAGNOSTICS_ATTEMPTS: '2',
      JOBS_DIAGNOSTICS_BACKOFF_MS: '20',
    });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(
      process.execPath,
      ['-r', path.join(__dirname, 'bootstrap/support/register-swc.js'), path.join(__dirname, '../src/main.ts')],
      {
        env: { ...process.env, ...box.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'log' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let rest = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = rest + chunk.toString('utf8');
      const parts = text.split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) if (line.trim()) lines.push(parseLine(line));
    });
    const deadline = Date.now() + 60_000;
    while (
      !(await fetch(`${base}/health`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('service did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
    await box?.cleanup();
  });

  afterAll(() => {
    // Start-up, running and shutdown alike: not one line that is not JSON.
    expect(notJson).toEqual([]);
  });

  const waitForLine = async (match: (l: Record<string, unknown>) => boolean, what: string) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = lines.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no log line with ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it("writes every line as JSON; a request's lines carry its request id (echoed in X-Request-Id) and the user id, never the token", async () => {
    const user = '0196f000-0000-7000-8000-0000000ab501';
    const up = await uploadMultipart(base, Buffer.from('observed bytes'), 14, {
      token: token(user),
      headers: { 'x-request-id': 'req-observe-1' },
    });
    expect(up.status).toBe(201);
    expect(up.headers['x-request-id']).toBe('req-observe-1');
    const done = await waitForLine(
      (l) => l.requestId === 'req-observe-1' && l.msg === 'request completed',
      "the upload's completion",
    );
    expect(done).toMatchObject({
      level: 30,
      userId: user,
      req: { method: 'POST', url: '/api/v1/files' },
      res: { statusCode: 201 },
    });
    expect(typeof done.responseTime).toBe('number');
    const generated = await api(base, 'GET', '/api/v1/files', token(user));
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(lines)).not.toContain(token(user).split('.')[2]);
  });

  it("gives each job's lines its job id and queue", async () => {
    const admin = token('0196f000-0000-7000-8000-0000000ab502', ['admin']);
    const job = await api(base, 'POST', '/api/v1/admin/jobs', admin, { name: 'sleep', ms: 5, failTimes: 1 });
    expect(job.status).toBe(201);
    const failed = await waitForLine((l) => l.jobId === job.body.id, 'the job id');
    expect(failed).toMatchObject({ queue: 'diagnostics', job: 'sleep', level: 40 });
    const deadline = Date.now() + 10_000;
    while ((await api(base, 'GET', `/api/v1/jobs/${job.body.id}`, admin)).body.state !== 'completed') {
      if (Date.now() > deadline) throw new Error('the retried job did not complete');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it('serves Prometheus metrics: request durations by route and status, file bytes, jobs per queue and outcome, queue depths, dead letters', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(
      /flexstorage_http_request_duration_seconds_bucket\{[^}]*method="POST"[^}]*route="\/api\/v1\/files"[^}]*status="201"/,
    );
    expect(text).toMatch(/flexstorage_file_bytes_total\{direction="uploaded"\} [1-9]/);
    expect(text).toMatch(/flexstorage_jobs_total\{queue="diagnostics",outcome="retried"\} 1/);
    expect(text).toMatch(/flexstorage_jobs_total\{queue="diagnostics",outcome="completed"\} 1/);
    expect(text).toMatch(/flexstorage_job_duration_seconds_count\{queue="diagnostics"\} 2/);
    expect(text).toMatch(/flexstorage_queue_jobs\{queue="maintenance",state="delayed"\} \d+/);
    expect(text).toMatch(/flexstorage_dead_letters\{queue="diagnostics"\} 0/);
    expect(text).toMatch(/flexstorage_process_resident_memory_bytes \d+/);
  });

  it('reports queue health in /health: workers per queue, nothing stuck', async () => {
    const health = await api(base, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.details.jobs.status).toBe('up');
    expect(health.body.details.jobs.queues.diagnostics).toMatchObject({ workers: 1, stuck: 0 });
    expect(health.body.details.jobs.queues.maintenance.workers).toBe(1);
  });
});
