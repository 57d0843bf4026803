import type { OpenAPIObject, OperationObject, ParameterObject, SchemaObject } from '@nestjs/swagger';

/** Methods an OpenAPI path item may hold, in the order the document lists them. */
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof METHODS)[number];

export interface DocumentedOperation {
  method: HttpMethod;
  /** The templated path, e.g. `/api/v1/files/{id}`. */
  path: string;
  operation: OperationObject;
  /** `GET /api/v1/files/{id}`, to name it in a failure. */
  label: string;
}

/** The OpenAPI document a running app serves. */
export async function fetchApiDocument(baseUrl: string): Promise<OpenAPIObject> {
  const res = await fetch(new URL('/docs-json', baseUrl));
  if (!res.ok) throw new Error(`/docs-json answered ${res.status}`);
  return (await res.json()) as OpenAPIObject;
}

export function operationsOf(document: OpenAPIObject): DocumentedOperation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({
      method,
      path,
      operation: item[method]!,
      label: `${method.toUpperCase()} ${path}`,
    })),
  );
}

/** Parameters as written (this service's document has no parameter `$ref`s). */
export function parametersOf(operation: OperationObject): ParameterObject[] {
  return (operation.parameters ?? []) as ParameterObject[];
}

/** The named schema a `$ref` points at. */
export function resolveSchema(document: OpenAPIObject, schema: SchemaObject | { $ref: string }): SchemaObject {
  if (!('$ref' in schema)) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const target = document.components?.schemas?.[name];
  if (!target) throw new Error(`Unresolved ${schema.$ref}`);
  return resolveSchema(document, target);
}

/**
 * Every schema inside `root` (not `root` itself), with its JSON pointer: properties, array items,
 * map values and the parts of allOf/oneOf/anyOf. A `$ref` is not followed.
 */
export function* nestedSchemas(root: SchemaObject, at: string): Generator<{ schema: SchemaObject; at: string }> {
  const children: [SchemaObject | { $ref: string }, string][] = [
    ...Object.entries(root.properties ?? {}).map(([k, s]) => [s, `${at}/properties/${k}`] as [SchemaObject, string]),
    ...(root.items ? [[root.items, `${at}/items`] as [SchemaObject, string]] : []),
    ...(typeof root.additionalProperties === 'object'
      ? [[root.additionalProperties, `${at}/additionalProperties`] as [SchemaObject, string]]
      : []),
    ...(['allOf', 'oneOf', 'anyOf'] as const).flatMap((k) =>
      (root[k] ?? []).map((s, i) => [s, `${at}/${k}/${i}`] as [SchemaObject, string]),
    ),
  ];
  for (const [child, pointer] of children) {
    if ('$ref' in child) continue;
    yield { schema: child, at: pointer };
    yield* nestedSchemas(child, pointer);
  }
}
