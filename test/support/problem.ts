/** The media type of every error answer (RFC 9457), with or without a charset. */
export const PROBLEM_JSON = /^application\/problem\+json/;
/** Where every problem type of the service lives; a type is this plus the problem's code. */
export const PROBLEM_TYPES = 'https://flexstorage.dev/problems/';

/** An answer as the test clients return it: fetch's Headers or a plain header record, the body parsed. */
export interface ProblemReply {
  status: number;
  headers: Headers | Record<string, unknown>;
  body?: unknown;
  /** The parsed body, where a client calls it so (the tus client). */
  json?: unknown;
  /** The raw body, where a client keeps only bytes (download()). */
  bytes?: Buffer;
}

export function contentTypeOf(headers: ProblemReply['headers']): string | undefined {
  const value = headers instanceof Headers ? headers.get('content-type') : headers['content-type'];
  if (typeof value === 'string') return value;
  return Array.isArray(value) ? value.join(', ') : undefined;
}

/**
 * Asserts a problem+json answer: the status, the media type, and a body with the same status, a
 * title, a detail and a type under PROBLEM_TYPES (exactly PROBLEM_TYPES + `code` when one is given).
 */
export function expectProblem(reply: ProblemReply, status: number, code?: string): void {
  expect(reply.status).toBe(status);
  expect(contentTypeOf(reply.headers)).toMatch(PROBLEM_JSON);
  const body = reply.body ?? reply.json ?? (reply.bytes ? JSON.parse(reply.bytes.toString('utf8')) : undefined);
  expect(body).toMatchObject({
    status,
    title: expect.any(String),
    detail: expect.any(String),
    type: code === undefined ? expect.stringContaining(PROBLEM_TYPES) : PROBLEM_TYPES + code,
  });
}

/** The same for a raw fetch Response, whose body is read here. */
export async function expectProblemResponse(res: Response, status: number, code?: string): Promise<void> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: the assertion below says so */
  }
  expectProblem({ status: res.status, headers: res.headers, body }, status, code);
}
