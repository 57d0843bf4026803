import { createFlexStorageClient } from '@flexstorage/client';
import { Client } from 'pg';

/** The auth endpoints as the suites call them, and the SQL and token helpers the auth suites share. */

export const PASSWORD = 'correct horse battery staple';

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const res = await fetch(baseUrl + path, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/**
 * The auth endpoints and the bearer check of one running app, through the generated client
 * (@flexstorage/client), answered as a Reply. Requests the client's types would refuse (unknown
 * fields, wrong types) go through `call`.
 */
export function client(t: { baseUrl: string }) {
  const api = createFlexStorageClient({ baseUrl: t.baseUrl });
  const bearer = (token?: string) => (token === undefined ? {} : { Authorization: `Bearer ${token}` });
  return {
    register: (email: string, password = PASSWORD) =>
      api.POST('/api/v1/auth/register', { body: { email, password } }).then(asReply),
    login: (email: string, password = PASSWORD) =>
      api.POST('/api/v1/auth/login', { body: { email, password } }).then(asReply),
    refresh: (refreshToken: string) => api.POST('/api/v1/auth/refresh', { body: { refreshToken } }).then(asReply),
    me: (token?: string) => api.GET('/api/v1/auth/me', { headers: bearer(token) }).then(asReply),
    files: (token: string) => api.GET('/api/v1/files', { headers: bearer(token) }).then(asReply),
  };
}

/** openapi-fetch's answer as the auth suites read it: the status, the headers, the data or the problem. */
function asReply({ data, error, response }: { data?: unknown; error?: unknown; response: Response }): Reply {
  return { status: response.status, headers: response.headers, body: data ?? error };
}

export async function query<T = any>(databaseUrl: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    return (await db.query(sql, params)).rows;
  } finally {
    await db.end();
  }
}

export const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
export const nowSeconds = () => Math.floor(Date.now() / 1000);
