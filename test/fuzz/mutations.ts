import type { OpenAPIObject } from '@nestjs/swagger';
import fc from 'fast-check';
import { DocumentedOperation, parametersOf } from '../support/openapi';
import {
  classesOfText,
  deepJson,
  hostileNumber,
  hostileNumberText,
  hostilePathSegment,
  hostileQueryValue,
  hostileString,
  jsonText,
  OUT_OF_RANGE_DATES,
  unknownMembers,
  withProtoKey,
  wrongType,
} from './hostile-values';
import {
  b64,
  Caller,
  Draft,
  FormDraft,
  HEADER_SAFE,
  jsonSchemaOf,
  plain,
  Schema,
  someText,
  validQueryValue,
  Fixtures,
} from './valid-requests';

export interface Mutation {
  where: string;
  apply(draft: Draft): void;
}

/** What a member of this schema may get instead. */
function hostileValueFor(document: OpenAPIObject, schema: Schema | undefined): fc.Arbitrary<unknown> {
  const s = plain(document, schema);
  switch (s.type) {
    case 'string':
      return fc.oneof(
        hostileString,
        wrongType,
        fc.array(someText, { minLength: 1, maxLength: 3 }),
        fc.constantFrom(...OUT_OF_RANGE_DATES),
      );
    case 'integer':
    case 'number':
      return fc.oneof(hostileNumber, hostileNumberText, wrongType, fc.constant([1]));
    case 'boolean':
      return fc.oneof(fc.constantFrom('true', 'false', 1, 0, 'yes'), wrongType);
    case 'array':
      return fc.oneof(
        fc.array(hostileValueFor(document, s.items), { minLength: 1, maxLength: 3 }),
        fc.constant(new Array(20_000).fill('x')),
        fc.constant('not-an-array'),
        wrongType,
      );
    default:
      return fc.oneof(wrongType, fc.constant('an object was expected'), deepJson);
  }
}

const hostileHeader: fc.Arbitrary<string> = fc.oneof(
  hostileNumberText,
  hostileString.filter((v) => HEADER_SAFE.test(v) && v.length <= 8_000),
  fc.constantFrom('x'.repeat(8_000), 'ÿþ', 'a,b,,c', 'partial', 'final;', 'final;/api/v1/uploads/x', 'md5 ==='),
);
/** Upload-Metadata whose values are hostile strings, base64 as tus wants them. */
const hostileMetadata = fc.array(
  fc.tuple(
    fc.constantFrom('filename', 'filetype', 'tags', 'capturedAt', 'description', 'category', 'sha256', 'provider'),
    fc.oneof(hostileString, someText, fc.constantFrom(...OUT_OF_RANGE_DATES)),
  ),
  { minLength: 1, maxLength: 4 },
);

const MALFORMED_JSON = [
  '{',
  '{"a":}',
  '[1,]',
  'nul',
  '"text"',
  '123',
  '{"a":1}{"b":2}',
  '\ufeff{}',
  '',
  '{"a":1,"a":2}',
];
const WRONG_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=latin1',
  'x'.repeat(300),
];

/** Every way a request to this operation can go wrong, one part at a time. */
export function mutationsFor(
  document: OpenAPIObject,
  entry: DocumentedOperation,
  fixtures: Fixtures,
): fc.Arbitrary<Mutation>[] {
  const params = parametersOf(entry.operation);
  const set = (where: string, apply: (d: Draft, value: never) => void) => (value: unknown) => ({
    where,
    apply: (d: Draft) => apply(d, value as never),
  });
  const mutations: fc.Arbitrary<Mutation>[] = [
    fc.constantFrom<Caller>('none', 'stranger', 'forged').chain((caller) =>
      fc.nat({ max: 7 }).map((forged) => ({
        where: `caller ${caller}`,
        apply: (d: Draft) => Object.assign(d, { caller, forged }),
      })),
    ),
    fc
      .tuple(fc.constantFrom('unknown', '__proto__', 'constructor', 'limit[a]', 'a'.repeat(200)), hostileQueryValue)
      .map(([name, value]) => ({ where: `query ${name}`, apply: (d: Draft) => d.query.push([name, value]) })),
  ];
  for (const p of params) {
    if (p.in === 'path')
      mutations.push(
        fc.oneof(hostilePathSegment, fc.uuid()).map(set(`path ${p.name}`, (d, v: string) => (d.path[p.name] = v))),
      );
    if (p.in === 'query') {
      const isDate = plain(document, p.schema).format === 'date-time';
      mutations.push(
        fc
          .oneof(hostileQueryValue, ...(isDate ? [fc.constantFrom(...OUT_OF_RANGE_DATES).map(encodeURIComponent)] : []))
          .map(set(`query ${p.name}`, (d, v: string) => d.query.push([p.name, v]))),
        fc
          .array(validQueryValue(document, p, fixtures), { minLength: 2, maxLength: 3 })
          .map(set(`query ${p.name} repeated`, (d, vs: string[]) => vs.forEach((v) => d.query.push([p.name, v])))),
      );
    }
    if (p.in === 'header') {
      mutations.push(hostileHeader.map(set(`header ${p.name}`, (d, v: string) => (d.headers[p.name] = v))));
      mutations.push(fc.constant(null).map(set(`header ${p.name} left out`, (d) => delete d.headers[p.name])));
      if (p.name === 'Upload-Metadata')
        mutations.push(
          hostileMetadata.map(
            set('header Upload-Metadata values', (d, pairs: [string, string][]) => {
              d.headers[p.name] = [...new Map(pairs)].map(([k, v]) => `${k} ${b64(v)}`).join(',');
              d.classes.push(...pairs.flatMap(([k, v]) => classesOfText(v).flatMap((c) => [c, `${c}@metadata.${k}`])));
            }),
          ),
        );
    }
  }
  if (entry.method === 'get' || entry.method === 'head') return mutations;
  const [media] = jsonSchemaOf(entry);
  if (!media || media.type === 'application/json') {
    const schema = plain(document, media?.schema);
    const object = (d: Draft) => {
      const json = d.json && 'value' in d.json ? d.json.value : undefined;
      const value = json !== null && typeof json === 'object' && !Array.isArray(json) ? json : {};
      d.json = { value };
      d.contentType ??= 'application/json';
      return value as Record<string, unknown>;
    };
    for (const [name, member] of Object.entries(schema.properties ?? {}))
      mutations.push(
        hostileValueFor(document, member).map(set(`body ${name}`, (d, v: unknown) => (object(d)[name] = v))),
      );
    mutations.push(
      unknownMembers.map(set('body: unknown members', (d, extra: object) => Object.assign(object(d), extra))),
      fc.constant(null).map(set('body: __proto__', (d) => Object.assign(object(d), withProtoKey({ admin: true })))),
      fc
        .oneof(
          fc.constantFrom(...MALFORMED_JSON),
          deepJson.map((v) => v.text),
          wrongType.map(jsonText),
        )
        .map(
          set('body: not the shape', (d, raw: string) =>
            Object.assign(d, { json: { raw }, contentType: 'application/json' }),
          ),
        ),
    );
  }
  if (media?.type === 'multipart/form-data') {
    // After "body left out" there is no form to change: it stays out.
    const form = (d: Draft) => d.form ?? ({ fields: [], file: {} } as unknown as FormDraft);
    mutations.push(
      fc
        .tuple(fc.constantFrom(...Object.keys(plain(document, media.schema).properties ?? {})), hostileString)
        .map(set('form field', (d, [name, v]: [string, string]) => form(d).fields.push([name, v]))),
      fc
        .constantFrom('', 'a"b.txt', '../../x', 'é.txt', '日本.png', 'x'.repeat(1_500), 'a\u0000b', 'a;b=c')
        .map(set('form filename', (d, v: string) => (form(d).file.filename = v))),
      fc
        .constantFrom('x/y; a=b', 'x'.repeat(300), '', 'image/')
        .map(set('form file type', (d, v: string) => (form(d).file.type = v))),
      fc
        .constantFrom('first' as const, 'twice' as const, 'none' as const)
        .map(set('form file part', (d, v: FormDraft['file']['place']) => (form(d).file.place = v))),
      fc.constant(null).map(set('form unterminated', (d) => (form(d).terminated = false))),
      fc.constant(null).map(set('form without boundary', (d) => (form(d).boundaryInType = false))),
    );
  }
  mutations.push(
    fc.constantFrom(...WRONG_TYPES).map(set('content type', (d, v: string) => (d.contentType = v))),
    fc
      .constant(null)
      .map(set('body left out', (d) => Object.assign(d, { json: undefined, form: undefined, bytes: undefined }))),
  );
  return mutations;
}
