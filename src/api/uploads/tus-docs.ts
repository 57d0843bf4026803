import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiParam } from '@nestjs/swagger';
import type { HeadersObject } from '@nestjs/swagger';
import { OFFSET_OCTET_STREAM, TUS_VERSION } from './tus-headers';

/** The tus headers as the OpenAPI document describes them, so generated clients can send and read them. */

export const ApiTusResumable = () =>
  ApiHeader({ name: 'Tus-Resumable', required: true, schema: { type: 'string', enum: [TUS_VERSION] } });

export const ApiUploadId = () => ApiParam({ name: 'id', description: 'The upload (the last segment of its Location)' });

/** A chunk of the upload's bytes (`application/offset+octet-stream`), required or optional. */
export const ApiChunkBody = (required: boolean, description: string) =>
  applyDecorators(
    ApiConsumes(OFFSET_OCTET_STREAM),
    ApiBody({ required, description, schema: { type: 'string', format: 'binary' } }),
  );

const integer = (description: string) => ({ description, schema: { type: 'integer' as const, minimum: 0 } });
const text = (description: string) => ({ description, schema: { type: 'string' as const } });

/** Response headers by name, documented once. */
export const TUS_RESPONSE_HEADERS = {
  'Tus-Resumable': { description: TUS_VERSION, schema: { type: 'string' } },
  'Tus-Version': text('The tus versions spoken: 1.0.0'),
  'Tus-Extension': text('creation,creation-with-upload,creation-defer-length,expiration,checksum,termination,…'),
  'Tus-Max-Size': integer('The largest Upload-Length accepted'),
  'Tus-Checksum-Algorithm': text('sha1,md5,sha256'),
  Location: text('The upload URL'),
  'Upload-Offset': integer('Durable bytes received'),
  'Upload-Length': integer('The declared length'),
  'Upload-Defer-Length': text('1 while the length is not declared yet'),
  'Upload-Metadata': text('The metadata sent at creation (key base64,…)'),
  'Upload-Concat': text('partial, or final;<upload URLs>'),
  'Upload-Expires': text('When an idle upload expires (HTTP date)'),
  'X-File-Id': text('The file the upload became, once complete'),
  'Cache-Control': text('no-store'),
} satisfies HeadersObject;

export function tusResponseHeaders(...names: (keyof typeof TUS_RESPONSE_HEADERS)[]): HeadersObject {
  return Object.fromEntries(names.map((name) => [name, TUS_RESPONSE_HEADERS[name]]));
}
