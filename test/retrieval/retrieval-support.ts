import { api } from '../support/http-client';
import { TestApp } from '../support/test-app';

export interface RetrievalBody {
  id: string;
  status: string;
  tier: string;
  failureReason: string | null;
  availableUntil: string | null;
  checks: number;
  [field: string]: unknown;
}

export async function retrievalStatus(t: TestApp, token: string, id: string): Promise<RetrievalBody> {
  const res = await api<RetrievalBody>(t.baseUrl, 'GET', `/api/v1/retrievals/${id}`, token);
  if (res.status !== 200) throw new Error(`GET /retrievals/${id}: HTTP ${res.status}`);
  return res.body;
}

/** Polls GET /retrievals/:id (as a client would) until it reaches one of `wanted`; throws after the timeout. */
export async function waitForRetrieval(
  t: TestApp,
  token: string,
  id: string,
  wanted: string[],
  timeoutMs = 20_000,
): Promise<RetrievalBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = await retrievalStatus(t, token, id);
    if (wanted.includes(body.status)) return body;
    if (Date.now() > deadline) throw new Error(`retrieval ${id} still ${body.status} (wanted ${wanted.join('/')})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
