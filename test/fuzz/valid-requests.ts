import type { OpenAPIObject, ParameterObject, SchemaObject } from '@nestjs/swagger';
import fc from 'fast-check';
import { DocumentedOperation, parametersOf, resolveSchema } from '../support/openapi';

/**
 * Valid requests, drawn from the OpenAPI document: real ids, the right caller, parameters and
 * bodies from their schemas (and, where a schema says only "string", values by member name).
 * The mutations (mutations.ts) then make one or two parts of them hostile.
 */

/** Who a request claims to be. */
export type Caller = 'none' | 'owner' | 'admin' | 'stranger' | 'forged';

/** What exists before the run: real ids per path segment (`files`, `uploads`, …) and a token per caller. */
export interface Fixtures {
  ids: Record<string, string[]>;
  tokens: Record<'owner' | 'admin' | 'stranger', string>;
  /** Authorization values that must be refused: expired, foreign, `alg: none`, garbage. */
  forged: string[];
  /** Cursors the service handed out, for `cursor` parameters. */
  cursors: string[];
}

export type Schema = SchemaObject | { $ref: string };

export interface FormDraft {
  fields: [string, string][];
  file: { bytes: Uint8Array; filename: string; type: string; place: 'last' | 'first' | 'twice' | 'none' };
  terminated: boolean;
  boundaryInType: boolean;
}

/** A request before it is written out: mutations change one part of it. */
export interface Draft {
  path: Record<string, string>;
  query: [string, string][];
  headers: Record<string, string>;
  contentType?: string;
  json?: { value: unknown } | { raw: string };
  form?: FormDraft;
  bytes?: Uint8Array;
  caller: Caller;
  forged: number;
  classes: string[];
}

/** A schema with its `$ref` and single-member `allOf` resolved, keeping the outer keywords (nullable). */
export function plain(document: OpenAPIObject, schema: Schema | undefined): SchemaObject {
  if (!schema) return {};
  const resolved = resolveSchema(document, schema);
  if (resolved.allOf?.length === 1) {
    const { allOf, ...outer } = resolved;
    return { ...plain(document, allOf[0]), ...outer };
  }
  return resolved;
}

export const inRangeDate = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
export const someText = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);
export const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** Plain strings a member of this name takes in a valid request, where the schema says only "string". */
const VALID_BY_NAME: Record<string, fc.Arbitrary<string>> = {
  name: fc.constantFrom('fuzz.txt', 'photo 1.jpg', 'résumé.pdf', 'notes'),
  mimeType: fc.constantFrom('text/plain', 'image/png', 'application/octet-stream'),
  provider: fc.constantFrom('local-fs', 'database'),
  from: fc.constantFrom('local-fs', 'database'),
  to: fc.constantFrom('database', 'local-fs'),
  ownerId: fc.uuid(),
  tags: fc.constantFrom('a,b', 'holiday', '["x","y"]'),
  category: fc.constantFrom('image', 'document', 'other'),
  capturedAt: inRangeDate,
  entityType: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,20}$/),
  entityId: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,20}$/),
  secret: fc.base64String({ minLength: 32, maxLength: 44 }),
};

/** Rules between members a schema cannot state: an entity link is both members or neither. */
function together<T extends Record<string, unknown>>(value: T): T {
  if ('entityType' in value !== 'entityId' in value) {
    delete value.entityType;
    delete value.entityId;
  }
  return value;
}

/** A value the schema describes (`name`: the member it is for). */
export function validValueFor(document: OpenAPIObject, schema: Schema | undefined, name = ''): fc.Arbitrary<unknown> {
  const s = plain(document, schema);
  const base = ((): fc.Arbitrary<unknown> => {
    if (s.enum) return fc.constantFrom(...s.enum);
    switch (s.type) {
      case 'string':
        if (!s.format && VALID_BY_NAME[name]) return VALID_BY_NAME[name];
        if (s.format === 'date-time') return inRangeDate;
        if (s.format === 'uuid') return fc.uuid();
        if (s.format === 'uri') return fc.constantFrom('http://127.0.0.1:9/hook', 'https://127.0.0.1/x');
        if (s.format === 'email')
          return fc.oneof(
            fc.emailAddress(),
            fc.nat().map((n) => `fuzz-${n}@example.com`),
          );
        if (s.minLength === undefined && s.maxLength === undefined) return someText;
        return fc.string({
          minLength: s.minLength ?? 1,
          maxLength: Math.max(s.minLength ?? 1, Math.min(s.maxLength ?? 60, 60)),
        });
      case 'integer':
      case 'number':
        return fc.integer({ min: s.minimum ?? 0, max: s.maximum ?? 100_000 });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(validValueFor(document, s.items), { minLength: s.minItems ?? 0, maxLength: 3 });
      default:
        if (s.properties) {
          const members = Object.fromEntries(
            Object.entries(s.properties).map(([member, p]) => [member, validValueFor(document, p, member)]),
          );
          return fc.record(members, { requiredKeys: (s.required ?? []).filter((k) => k in members) }).map(together);
        }
        return fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 });
    }
  })();
  return s.nullable ? fc.option(base, { nil: null, freq: 4 }) : base;
}

/** A valid query value (percent-encoded) for a parameter of this schema. */
export function validQueryValue(document: OpenAPIObject, p: ParameterObject, fixtures: Fixtures): fc.Arbitrary<string> {
  const s = plain(document, p.schema);
  const value: fc.Arbitrary<string> =
    p.name === 'cursor' && fixtures.cursors.length
      ? fc.constantFrom(...fixtures.cursors)
      : s.enum
        ? fc.constantFrom(...s.enum.map(String))
        : s.type === 'boolean'
          ? fc.constantFrom('true', 'false')
          : s.type === 'number' || s.type === 'integer'
            ? fc.integer({ min: s.minimum ?? 0, max: s.maximum ?? 10_000 }).map(String)
            : s.format === 'date-time'
              ? fc.oneof(
                  inRangeDate,
                  inRangeDate.map((d) => d.slice(0, 10)),
                )
              : p.name === 'lastEventId'
                ? fc.constant('1718000000000-0')
                : someText;
  return value.map(encodeURIComponent);
}

export const HEADER_SAFE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Header values a well-behaved client sends, by name, else by schema. */
function validHeaderValue(document: OpenAPIObject, p: ParameterObject): fc.Arbitrary<string> {
  const s = plain(document, p.schema);
  if (s.enum) return fc.constantFrom(...s.enum.map(String));
  switch (p.name) {
    case 'Upload-Offset':
      return fc.constant('0');
    case 'Upload-Metadata':
      return fc.constant(`filename ${b64('fuzz.bin')},filetype ${b64('application/octet-stream')}`);
    case 'Upload-Concat':
      return fc.constant('partial');
    case 'Upload-Checksum':
      return fc.uint8Array({ minLength: 32, maxLength: 32 }).map((d) => `sha256 ${Buffer.from(d).toString('base64')}`);
    case 'Last-Event-ID':
      return fc.constant('1718000000000-0');
    case 'x-content-sha256':
      return fc.uint8Array({ minLength: 32, maxLength: 32 }).map((d) => Buffer.from(d).toString('hex'));
  }
  if (s.type === 'integer' || s.type === 'number') return fc.nat({ max: 10_000 }).map(String);
  return fc.string({ minLength: 1, maxLength: 40 }).filter((v) => HEADER_SAFE.test(v) && v.trim() === v);
}

/** The ids a path parameter takes in a valid request: a real one of its resource (the segment before it). */
function realIds(path: string, name: string, fixtures: Fixtures): string[] {
  const segment = new RegExp(`/([^/]+)/\\{${name}\\}`).exec(path)?.[1] ?? '';
  return fixtures.ids[segment] ?? [];
}

export function jsonSchemaOf(entry: DocumentedOperation): { type: string; schema?: Schema }[] {
  const content = (entry.operation.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)
    ?.content;
  return Object.entries(content ?? {}).map(([type, media]) => ({ type, schema: media.schema }));
}

/** A valid request to this operation: real ids, the right caller, valid parameters and body. */
export function validDraft(
  document: OpenAPIObject,
  entry: DocumentedOperation,
  fixtures: Fixtures,
): fc.Arbitrary<Draft> {
  const params = parametersOf(entry.operation);
  const path = fc.record(
    Object.fromEntries(
      params
        .filter((p) => p.in === 'path')
        .map((p) => {
          const real = realIds(entry.path, p.name, fixtures);
          return [p.name, real.length ? fc.constantFrom(...real) : fc.uuid()];
        }),
    ),
  );
  const query = fc
    .tuple(
      ...params
        .filter((p) => p.in === 'query' && p.name !== 'access_token')
        .map((p) =>
          fc.option(
            validQueryValue(document, p, fixtures).map((v) => [p.name, v] as [string, string]),
            { freq: 2 },
          ),
        ),
    )
    .map((pairs) => pairs.filter((q): q is [string, string] => q !== null));
  const headers = fc
    .tuple(
      ...params
        // A checksum of bytes not yet chosen cannot be right: only mutations send one.
        .filter((p) => p.in === 'header' && p.name !== 'x-content-sha256' && p.name !== 'Upload-Checksum')
        .map((p) => {
          const value = validHeaderValue(document, p).map((v) => [p.name, v] as [string, string]);
          return p.required ? value : fc.option(value, { freq: 2 });
        }),
    )
    .map((pairs) => {
      const h = Object.fromEntries(pairs.filter((p): p is [string, string] => p !== null));
      // A creation declares its length or defers it, never both, never neither.
      if (h['Upload-Length'] !== undefined) delete h['Upload-Defer-Length'];
      else if (params.some((p) => p.name === 'Upload-Defer-Length')) h['Upload-Defer-Length'] = '1';
      return h;
    });
  const [media] = jsonSchemaOf(entry);
  const noBody = entry.method === 'get' || entry.method === 'head' || !media;
  const body = noBody
    ? fc.constant({})
    : media.type === 'application/json'
      ? validValueFor(document, media.schema).map((value) => ({ contentType: media.type, json: { value } }))
      : media.type === 'multipart/form-data'
        ? validForm(document, media.schema).map((form) => ({ contentType: media.type, form }))
        : fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ contentType: media.type, bytes }));
  const caller: Caller = entry.path.startsWith('/api/v1/admin/') ? 'admin' : 'owner';
  return fc.record({ path, query, headers, body }).map((d): Draft => ({
    path: d.path,
    query: d.query,
    headers: d.headers,
    ...d.body,
    caller,
    forged: 0,
    classes: [],
  }));
}

function validForm(document: OpenAPIObject, schema: Schema | undefined): fc.Arbitrary<FormDraft> {
  const properties = plain(document, schema).properties ?? {};
  const fields = Object.keys(properties).filter((f) => f !== 'file' && f !== 'sha256');
  const field = fc
    .constantFrom(...fields)
    .chain((name) => validValueFor(document, properties[name], name).map((v) => [name, String(v)] as [string, string]));
  return fc.record({
    fields: fc
      .uniqueArray(field, { maxLength: 4, selector: ([name]) => name })
      .map((pairs) => Object.entries(together(Object.fromEntries(pairs)))),
    file: fc.record({
      bytes: fc.uint8Array({ maxLength: 2_000 }),
      filename: fc.constantFrom('fuzz.bin', 'photo.jpg', 'notes.txt'),
      type: fc.constantFrom('application/octet-stream', 'image/png', 'text/plain'),
      place: fc.constant('last' as const),
    }),
    terminated: fc.constant(true),
    boundaryInType: fc.constant(true),
  });
}
