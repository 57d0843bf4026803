import { Queue } from 'bullmq';
import { Client } from 'pg';
import { redisOptionsFromUrl } from '../../src/infrastructure/jobs/redis.client';
import { api, JsonResponse } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';
import { until } from '../support/until';

export interface JobBody {
  id: string;
  queue: string;
  name: string;
  state: string;
  progress: number;
  attemptsMade: number;
  maxAttempts: number;
  priority: number;
  result: unknown;
  failedReason: string | null;
  ownerId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** The shared timers (test/support/until.ts), where the jobs suites look for them. */
export { sleep } from '../support/until';

/** The shared poller (test/support/until.ts), by the name the jobs suites know it. */
export const waitFor = until;

/** The job platform seen through its HTTP API, as an admin (or another caller) would use it. */
export class JobsApi {
  readonly admin: string;

  constructor(readonly t: TestApp) {
    this.admin = t.tokenFor('root', ['admin']);
  }

  enqueue(
    body: {
      name: 'noop' | 'sleep';
      ms?: number;
      steps?: number;
      failTimes?: number;
      ownerId?: string;
      priority?: 'high' | 'normal' | 'low';
    },
    token = this.admin,
  ): Promise<JsonResponse<JobBody>> {
    return api<JobBody>(this.t.baseUrl, 'POST', '/api/v1/admin/jobs', token, body);
  }

  async start(body: Parameters<JobsApi['enqueue']>[0]): Promise<JobBody> {
    const res = await this.enqueue(body);
    if (res.status !== 201) throw new Error(`enqueue answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  get(ref: string, token = this.admin): Promise<JsonResponse<JobBody>> {
    return api<JobBody>(this.t.baseUrl, 'GET', `/api/v1/jobs/${encodeURIComponent(ref)}`, token);
  }

  cancel(ref: string, token = this.admin): Promise<JsonResponse<{ outcome: string }>> {
    return api(this.t.baseUrl, 'DELETE', `/api/v1/jobs/${encodeURIComponent(ref)}`, token);
  }

  /**
   * Polls the status API until the job is in one of `states`; returns what it last saw. The status
   * API can answer a torn snapshot (the state already final, the fields still those of the running
   * attempt; shown by its own spec), so a finished job is read once more.
   */
  async until(ref: string, states: string[], timeoutMs = 10_000): Promise<JobBody> {
    return waitFor(
      async () => {
        const res = await this.get(ref);
        if (res.status !== 200 || !states.includes(res.body.state)) return undefined;
        // A finished job no longer changes: read it once more for fields that match its state.
        return res.body.state === 'completed' || res.body.state === 'failed' ? (await this.get(ref)).body : res.body;
      },
      `${ref} to be ${states.join('|')}`,
      timeoutMs,
    );
  }

  queues(token = this.admin) {
    return api<{ queue: string; paused: boolean; counts: Record<string, number> }[]>(
      this.t.baseUrl,
      'GET',
      '/api/v1/admin/queues',
      token,
    );
  }

  pause(queue: string, token = this.admin) {
    return api(this.t.baseUrl, 'POST', `/api/v1/admin/queues/${queue}/pause`, token);
  }

  resume(queue: string, token = this.admin) {
    return api(this.t.baseUrl, 'POST', `/api/v1/admin/queues/${queue}/resume`, token);
  }

  async countsOf(queue: string): Promise<{ paused: boolean; counts: Record<string, number> }> {
    const res = await this.queues();
    const found = res.body.find((q) => q.queue === queue);
    if (!found) throw new Error(`no queue ${queue} in ${JSON.stringify(res.body)}`);
    return found;
  }

  deadLetters(token = this.admin, query = '?limit=500') {
    return api<{
      total: number;
      items: {
        id: string;
        queue: string;
        name: string;
        jobId: string;
        data: any;
        failedReason: string;
        attemptsMade: number;
        failedAt: string;
      }[];
    }>(this.t.baseUrl, 'GET', `/api/v1/admin/dead-letters${query}`, token);
  }

  async letterOf(ref: string) {
    return (await this.deadLetters()).body.items.find((l) => l.id === ref);
  }

  retryLetter(id: string, token = this.admin) {
    return api<{ retriedAs: string }>(
      this.t.baseUrl,
      'POST',
      `/api/v1/admin/dead-letters/${encodeURIComponent(id)}/retry`,
      token,
    );
  }

  discardLetter(id: string, token = this.admin) {
    return api(this.t.baseUrl, 'DELETE', `/api/v1/admin/dead-letters/${encodeURIComponent(id)}`, token);
  }
}

/** A BullMQ Queue on the app's Redis and prefix, to look at what the API does not show (schedulers). */
export function bullQueue(t: TestApp, name: string): Queue {
  return new Queue(name, { connection: redisOptionsFromUrl(t.runtime.redisUrl), prefix: t.config.queuePrefix });
}

export async function sql<R = any>(t: TestApp, text: string, params: unknown[] = []): Promise<R[]> {
  const client = new Client({ connectionString: t.db.url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as R[];
  } finally {
    await client.end();
  }
}

/** A job timestamp (ISO or null) in epoch milliseconds; NaN for none. */
export const ms = (iso: string | null) => (iso ? Date.parse(iso) : NaN);

/** The app, its job API as an admin, and the tokens of two users, alice and bob. */
export async function startJobsApp(
  env: Record<string, string>,
): Promise<{ t: TestApp; jobs: JobsApi; alice: string; bob: string }> {
  const t = await startTestApp(env);
  return { t, jobs: new JobsApi(t), alice: t.tokenFor('alice'), bob: t.tokenFor('bob') };
}
