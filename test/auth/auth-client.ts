import { Client } from 'pg';

/** A bare fetch client for the auth endpoints, and the SQL and token helpers the auth suites share. */

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

/** The auth endpoints and the bearer check of one running app. */
export function client(t: { baseUrl: string }) {
  return {
    register: (email: string, password = PASSWORD) =>
      call(t.baseUrl, 'POST', '/api/v1/auth/register', { body: { email, password } }),
    login: (email: string, password = PASSWORD) =>
      call(t.baseUrl, 'POST', '/api/v1/auth/login', { body: { email, password } }),
    refresh: (refreshToken: string) => call(t.baseUrl, 'POST', '/api/v1/auth/refresh', { body: { refreshToken } }),
    me: (token?: string) => call(t.baseUrl, 'GET', '/api/v1/auth/me', { token }),
    files: (token: string) => call(t.baseUrl, 'GET', '/api/v1/files', { token }),
  };
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
