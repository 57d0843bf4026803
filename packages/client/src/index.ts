import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type { components, operations, paths } from './schema';

/** Every named schema of the API: `Schemas['FileResponse']`, `Schemas['Problem']`, … */
export type Schemas = components['schemas'];
/** What every error answer is (application/problem+json, RFC 9457). */
export type Problem = Schemas['Problem'];
export type FlexStorageClient = Client<paths>;

export interface FlexStorageClientOptions extends ClientOptions {
  /** The bearer token, or a function asked before every request (to hand out a refreshed one). */
  token?: string | (() => string | undefined | Promise<string | undefined>);
}

/**
 * A typed client for the REST API: `client.GET('/api/v1/files/{id}', { params: { path: { id } } })`
 * checks the path, parameters and body against the OpenAPI document and types `data` and `error`.
 * `baseUrl` is where the service runs (`http://localhost:3000`); paths carry the `/api/v1` prefix.
 */
export function createFlexStorageClient(options: FlexStorageClientOptions = {}): FlexStorageClient {
  const { token, ...clientOptions } = options;
  const client = createClient<paths>(clientOptions);
  if (token !== undefined) client.use(bearer(token));
  return client;
}

function bearer(token: NonNullable<FlexStorageClientOptions['token']>): Middleware {
  return {
    async onRequest({ request }) {
      const value = typeof token === 'function' ? await token() : token;
      if (value && !request.headers.has('Authorization')) request.headers.set('Authorization', `Bearer ${value}`);
      return request;
    },
  };
}

/**
 * The body of `POST /api/v1/files`, as multipart/form-data:
 * `client.POST('/api/v1/files', uploadForm({ tags: 'holiday', file }))`. A `File` keeps its name as
 * the part's filename.
 */
export function uploadForm(form: Schemas['UploadFileForm']) {
  return { body: form, bodySerializer: multipartForm };
}

/**
 * The metadata fields first and the file part last: the service stores the file with the fields
 * it has read when the bytes start (fields after them are applied as an edit).
 */
export function multipartForm(form: Schemas['UploadFileForm']): FormData {
  const { file, ...fields } = form;
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) data.append(name, value);
  data.append('file', file);
  return data;
}

/**
 * The body of a tus request that carries bytes (`PATCH /api/v1/uploads/{id}`, creation-with-upload):
 * `client.PATCH('/api/v1/uploads/{id}', { params, ...offsetOctetStream(chunk) })`.
 */
export function offsetOctetStream(chunk: Blob) {
  return {
    body: chunk,
    bodySerializer: (bytes: Blob) => bytes,
    headers: { 'Content-Type': 'application/offset+octet-stream' },
  };
}
