import type { OpenAPIObject, SchemaObject } from '@nestjs/swagger';
import { compileErrors, validate } from '@readme/openapi-parser';
import { createApiDocument } from '../../src/app.factory';
import { fetchApiDocument, nestedSchemas, operationsOf, parametersOf } from '../support/openapi';
import { startTestApp, TestApp } from '../support/test-app';

/** Bodies that are bytes or a text stream, not JSON a generator would type. */
const isOpaque = (mediaType: string, schema: SchemaObject) =>
  (schema.type === 'string' && schema.format === 'binary') ||
  (mediaType === 'text/event-stream' && schema.type === 'string');

/** A named schema, or a list of one: nothing a generator has to invent a name for. */
const isNamed = (schema: SchemaObject | { $ref: string }) =>
  '$ref' in schema || (schema.type === 'array' && !!schema.items && '$ref' in schema.items);

/** The document as generators read it: these rules hold for routes added later without edits here. */
describe('The OpenAPI document at /docs-json', () => {
  let t: TestApp;
  let document: OpenAPIObject;

  beforeAll(async () => {
    t = await startTestApp({}, { workers: false });
    document = await fetchApiDocument(t.baseUrl);
  });
  afterAll(() => t?.close());

  const operations = () => operationsOf(document);
  /** Every inline schema: in components, parameters, request and response bodies and headers. */
  const everySchema = () => {
    const found: { schema: SchemaObject; at: string }[] = [];
    const collect = (schema: SchemaObject | { $ref: string } | undefined, at: string) => {
      if (!schema || '$ref' in schema) return;
      found.push({ schema, at }, ...nestedSchemas(schema, at));
    };
    for (const [name, schema] of Object.entries(document.components?.schemas ?? {}))
      collect(schema, `#/components/schemas/${name}`);
    for (const { operation, label } of operations()) {
      for (const p of parametersOf(operation)) collect(p.schema, `${label} parameter ${p.name}`);
      const body = operation.requestBody as { content?: Record<string, { schema?: SchemaObject }> } | undefined;
      for (const [type, media] of Object.entries(body?.content ?? {})) collect(media.schema, `${label} body ${type}`);
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const [type, media] of Object.entries((response as { content?: object }).content ?? {}))
          collect((media as { schema?: SchemaObject }).schema, `${label} ${status} ${type}`);
        for (const [name, header] of Object.entries((response as { headers?: object }).headers ?? {}))
          collect((header as { schema?: SchemaObject }).schema, `${label} ${status} header ${name}`);
      }
    }
    return found;
  };

  it('is valid OpenAPI 3 by @readme/openapi-parser', async () => {
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? '' : compileErrors(result)).toBe('');
    expect(result.warnings).toEqual([]);
  });

  it('is what the service builds without a database (the client is generated from that one)', async () => {
    expect(await createApiDocument(t.config)).toEqual(document);
  });

  it('gives every operation a unique camelCase operationId', () => {
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(ids.filter((id) => !/^[a-z][a-zA-Z0-9]*$/.test(id ?? ''))).toEqual([]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(ids).toEqual(expect.arrayContaining(['listFiles', 'getFile', 'uploadFile', 'createUpload']));
  });

  it('declares every path placeholder as a required path parameter, and no other', () => {
    const wrong = operations().flatMap(({ path, operation, label }) => {
      const placeholders = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared = parametersOf(operation).filter((p) => p.in === 'path');
      const names = declared.map((p) => p.name).sort();
      return JSON.stringify(placeholders) === JSON.stringify(names) && declared.every((p) => p.required)
        ? []
        : [`${label}: placeholders ${placeholders.join(',')}, parameters ${names.join(',')}`];
    });
    expect(wrong).toEqual([]);
  });

  it('documents a success answer for every operation', () => {
    const without = operations().filter(
      ({ operation }) => !Object.keys(operation.responses).some((s) => /^[23]/.test(s)),
    );
    expect(without.map((o) => o.label)).toEqual([]);
  });

  it('makes every JSON request and response body a named schema', () => {
    const anonymous = operations().flatMap(({ operation, label }) => {
      const body = operation.requestBody as { content?: Record<string, { schema: SchemaObject }> } | undefined;
      const bodies = [
        ...Object.entries(body?.content ?? {}).map(([type, m]) => [`${label} body ${type}`, type, m.schema] as const),
        ...Object.entries(operation.responses).flatMap(([status, response]) =>
          Object.entries((response as { content?: Record<string, { schema: SchemaObject }> }).content ?? {}).map(
            ([type, m]) => [`${label} ${status} ${type}`, type, m.schema] as const,
          ),
        ),
      ];
      return bodies.filter(([, type, schema]) => !isNamed(schema) && !isOpaque(type, schema)).map(([at]) => at);
    });
    expect(anonymous).toEqual([]);
  });

  it('nests no anonymous object with properties inside any schema', () => {
    const inline = everySchema().filter(
      ({ schema, at }) => schema.properties && !/^#\/components\/schemas\/\w+$/.test(at),
    );
    expect(inline.map(({ at }) => at)).toEqual([]);
  });

  it('names every enum that is used more than once', () => {
    const uses = new Map<string, string[]>();
    for (const { schema, at } of everySchema()) {
      if (!schema.enum || schema.enum.length < 2 || /^#\/components\/schemas\/\w+$/.test(at)) continue;
      const key = JSON.stringify([...schema.enum].sort());
      uses.set(key, [...(uses.get(key) ?? []), at]);
    }
    expect([...uses.values()].filter((at) => at.length > 1)).toEqual([]);
  });

  it('answers every error with a problem+json body of the one Problem schema (HEAD: none at all)', () => {
    const wrong = operations().flatMap(({ method, operation, label }) =>
      Object.entries(operation.responses)
        .filter(([status]) => /^[45]/.test(status))
        .flatMap(([status, response]) => {
          const content = (response as { content?: Record<string, { schema?: { $ref?: string } }> }).content;
          if (method === 'head') return content ? [`${label} ${status}: a body`] : [];
          const types = Object.keys(content ?? {});
          const ok =
            types.length === 1 &&
            content?.['application/problem+json']?.schema?.$ref === '#/components/schemas/Problem';
          return ok ? [] : [`${label} ${status}: ${types.join(', ') || 'no body'}`];
        }),
    );
    expect(wrong).toEqual([]);
  });

  it('documents no body for a HEAD operation, in or out', () => {
    const heads = operations().filter(({ method }) => method === 'head');
    expect(heads.length).toBeGreaterThan(0);
    for (const { operation } of heads) {
      expect(operation.requestBody).toBeUndefined();
      for (const response of Object.values(operation.responses)) expect(response).not.toHaveProperty('content');
    }
  });

  it('writes every pattern as an ECMA-262 regular expression (no inline flags such as (?i))', () => {
    const invalid = everySchema().flatMap(({ schema, at }) => {
      if (schema.pattern === undefined) return [];
      try {
        new RegExp(schema.pattern, 'u');
        return [];
      } catch (error) {
        return [`${at}: ${schema.pattern} (${(error as Error).message})`];
      }
    });
    expect(invalid).toEqual([]);
  });
});
