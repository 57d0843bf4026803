import type { OpenAPIObject } from '@nestjs/swagger';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { DocumentedOperation } from '../support/openapi';
import { classesOfEncoded, classesOfJson, classesOfText, isKnownOpen, jsonText } from './hostile-values';
import { Mutation, mutationsFor } from './mutations';
import { Caller, Draft, Fixtures, FormDraft, validDraft } from './valid-requests';

export type { Fixtures } from './valid-requests';

export interface FuzzRequest {
  label: string;
  method: string;
  /** Path and query, percent-encoded as sent. */
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
  caller: Caller;
  /** The hostile classes it carries, as `class` and `class@where` (see KNOWN_OPEN_HOSTILE_CLASSES). */
  classes: string[];
  /** Where the hostile values went, to read a failure by. */
  mutations: string[];
}

function formBody(form: FormDraft, boundary: string): Buffer {
  const part = (headers: string, content: Buffer) =>
    Buffer.concat([Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`), content, Buffer.from('\r\n')]);
  const file = part(
    `Content-Disposition: form-data; name="file"; filename="${form.file.filename}"\r\nContent-Type: ${form.file.type}`,
    Buffer.from(form.file.bytes),
  );
  const fields = form.fields.map(([name, value]) =>
    part(`Content-Disposition: form-data; name="${name}"`, Buffer.from(value)),
  );
  const parts = { last: [...fields, file], first: [file, ...fields], twice: [...fields, file, file], none: fields };
  return Buffer.concat([...parts[form.file.place], Buffer.from(form.terminated ? `--${boundary}--\r\n` : '')]);
}

/** The draft as it goes out, with the hostile classes it carries. */
function write(entry: DocumentedOperation, d: Draft, mutations: Mutation[], fixtures: Fixtures): FuzzRequest {
  const classes = [...d.classes];
  const url = entry.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    classes.push(...classesOfEncoded(d.path[name]).flatMap((c) => [c, `${c}@path.${name}`]));
    return d.path[name];
  });
  for (const [name, value] of d.query)
    classes.push(...classesOfEncoded(value).flatMap((c) => [c, `${c}@query.${name}`]));
  for (const [name, value] of Object.entries(d.headers))
    classes.push(...classesOfText(value).flatMap((c) => [c, `${c}@header.${name}`]));
  const headers = { ...d.headers };
  let body: Buffer | undefined;
  if (d.json && 'value' in d.json) {
    body = Buffer.from(jsonText(d.json.value));
    classes.push(...classesOfJson(d.json.value, 'body'));
  } else if (d.json) {
    body = Buffer.from(d.json.raw);
    if (/^[[{]{50}/.test(d.json.raw)) classes.push('deep-nesting');
  } else if (d.form) {
    const boundary = `fuzz${createHash('sha1').update(JSON.stringify(d.form.fields)).digest('hex').slice(0, 12)}`;
    body = formBody(d.form, boundary);
    if (d.contentType?.startsWith('multipart/form-data') && d.form.boundaryInType)
      headers['Content-Type'] = `multipart/form-data; boundary=${boundary}`;
    for (const [name, value] of d.form.fields)
      classes.push(...classesOfText(value).flatMap((c) => [c, `${c}@form.${name}`]));
    classes.push(...classesOfText(d.form.file.filename).flatMap((c) => [c, `${c}@form.filename`]));
  } else if (d.bytes) body = Buffer.from(d.bytes);
  if (body && d.contentType && !headers['Content-Type']) headers['Content-Type'] = d.contentType;
  const authorization =
    d.caller === 'forged'
      ? fixtures.forged[d.forged % fixtures.forged.length]
      : d.caller === 'none'
        ? undefined
        : fixtures.tokens[d.caller];
  if (authorization !== undefined)
    headers.Authorization = /^(Bearer|Basic)\b/.test(authorization) ? authorization : `Bearer ${authorization}`;
  const search = d.query.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&');
  // Node's HTTP parser refuses a request line and headers past 16 KiB before the application sees them.
  const headBytes =
    url.length + search.length + Object.entries(headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
  if (headBytes > 15_000) classes.push('oversized-headers');
  return {
    label: entry.label,
    method: entry.method.toUpperCase(),
    url: search ? `${url}?${search}` : url,
    headers,
    body,
    caller: d.caller,
    classes: [...new Set(classes)],
    mutations: mutations.map((m) => m.where),
  };
}

/**
 * Requests to one operation: a valid one (real ids, the right caller, parameters and body from the
 * schema) with none, one or two parts replaced by hostile values, so each hostile value meets an
 * otherwise good request and reaches the code behind validation.
 */
export function requestsFor(
  document: OpenAPIObject,
  entry: DocumentedOperation,
  fixtures: Fixtures,
): fc.Arbitrary<FuzzRequest> {
  const mutation = fc.oneof(...mutationsFor(document, entry, fixtures));
  const count = fc.oneof(
    { weight: 1, arbitrary: fc.constant(0) },
    { weight: 4, arbitrary: fc.constant(1) },
    { weight: 1, arbitrary: fc.constant(2) },
  );
  return fc
    .tuple(
      validDraft(document, entry, fixtures),
      count.chain((n) => fc.array(mutation, { minLength: n, maxLength: n })),
    )
    .map(([draft, mutations]) => {
      const d: Draft = structuredClone(draft);
      for (const m of mutations) m.apply(d);
      return write(entry, d, mutations, fixtures);
    })
    .filter((request) => !isKnownOpen(request.classes));
}

export interface FuzzAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** Sends a request; a live event stream is closed as soon as its headers arrived. */
export async function send(baseUrl: string, request: FuzzRequest): Promise<FuzzAnswer> {
  const res = await fetch(baseUrl + request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(20_000),
  });
  const contentType = res.headers.get('content-type') ?? '';
  if (contentType.startsWith('text/event-stream')) {
    await res.body?.cancel();
    return { status: res.status, contentType, text: '' };
  }
  return { status: res.status, contentType, text: await res.text() };
}

/** What is wrong with an answer: a 5xx, or a 4xx that is not a complete problem+json; undefined when fine. */
export function faultIn(request: FuzzRequest, answer: FuzzAnswer): string | undefined {
  if (answer.status >= 500) return `answered ${answer.status}: ${answer.text.slice(0, 300)}`;
  if (answer.status < 400 || request.method === 'HEAD') return undefined;
  if (!/^application\/problem\+json/.test(answer.contentType))
    return `answered ${answer.status} as ${answer.contentType || 'no content type'}: ${answer.text.slice(0, 200)}`;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.text) as Record<string, unknown>;
  } catch {
    return `answered ${answer.status} with a problem that is not JSON: ${answer.text.slice(0, 200)}`;
  }
  const complete =
    typeof body.type === 'string' &&
    body.type.startsWith('https://flexstorage.dev/problems/') &&
    typeof body.title === 'string' &&
    body.status === answer.status &&
    typeof body.detail === 'string';
  return complete ? undefined : `answered ${answer.status} with an incomplete problem: ${answer.text.slice(0, 300)}`;
}

/** A request as a reader reproduces it: method, URL, headers and the start of the body. */
export function describeRequest(request: FuzzRequest): string {
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);
  const headers = Object.entries(request.headers).map(
    ([k, v]) =>
      `  ${k}: ${k === 'Authorization' ? `${v.slice(0, 20)}… (${request.caller})` : cut(JSON.stringify(v), 200)}`,
  );
  const body = request.body ? `\n  body: ${cut(JSON.stringify(request.body.toString('latin1')), 600)}` : '';
  return (
    `${request.method} ${cut(request.url, 400)}\n` +
    `  hostile: ${request.mutations.join('; ') || 'nothing (a valid request)'}; classes: ${request.classes.join(', ') || 'none'}\n` +
    `${headers.join('\n')}${body}`
  );
}
