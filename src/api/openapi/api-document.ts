import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ProblemResponse } from '../problem/api-problem-responses';
import { operationIdFor } from './operation-id';

/**
 * Schemas whose objects may carry members the schema does not list: problem types add their own
 * (RFC 9457 §3.2), health indicators theirs. Class-built schemas cannot say so themselves.
 */
const OPEN_SCHEMAS = ['Problem', 'HealthIndicator'];

/** The OpenAPI document of the routes `app` has (served at /docs-json; the client is generated from it). */
export function describeApi(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('FlexStorage')
      .setDescription('File storage for mobile apps and REST clients. Errors are application/problem+json (RFC 9457).')
      .setVersion('1')
      .addBearerAuth()
      .build(),
    { operationIdFactory: operationIdFor, extraModels: [ProblemResponse] },
  );
  for (const name of OPEN_SCHEMAS) {
    const schema = document.components?.schemas?.[name];
    if (schema && !('$ref' in schema)) schema.additionalProperties = true;
  }
  return document;
}
