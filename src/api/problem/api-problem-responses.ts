import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse, ApiSchema, getSchemaPath } from '@nestjs/swagger';

@ApiSchema({ name: 'FieldError' })
class FieldErrorResponse {
  @ApiProperty({ example: 'name' }) field!: string;
  @ApiProperty({ example: 'A file name may not contain a path separator.' }) message!: string;
}

/**
 * RFC 9457 problem details, as every error of this API is answered: the one `Problem` schema every
 * problem+json response refers to. Some problems carry more members (`existingFileId`,
 * `requestRetrieval`, …); the document allows them (additionalProperties, see describeApi).
 */
@ApiSchema({ name: 'Problem', description: 'RFC 9457 problem details; some problem types add members.' })
export class ProblemResponse {
  @ApiProperty({ example: 'https://flexstorage.dev/problems/validation-failed' }) type!: string;
  @ApiProperty({ example: 'Bad Request' }) title!: string;
  @ApiProperty({ example: 400, type: 'integer' }) status!: number;
  @ApiProperty({ example: 'A file name may not contain a path separator.' }) detail!: string;
  @ApiPropertyOptional({ example: '/api/v1/files' }) instance?: string;
  @ApiPropertyOptional({ type: [FieldErrorResponse] }) errors?: FieldErrorResponse[];
}

const PROBLEMS: Record<number, ProblemDoc> = {
  400: {
    description: 'Invalid input (field errors in `errors`).',
    code: 'validation-failed',
    title: 'Bad Request',
    detail: 'A file name may not contain a path separator.',
  },
  401: {
    description: 'Missing, expired or invalid bearer token.',
    code: 'missing-token',
    title: 'Unauthorized',
    detail: 'This endpoint needs an Authorization: Bearer token.',
  },
  403: {
    description: 'The upload takes no more bytes (complete, or a concatenation).',
    code: 'upload-not-writable',
    title: 'Forbidden',
    detail: 'Upload 0196… takes no more bytes: it is complete.',
  },
  404: {
    description: 'No such file, or not yours.',
    code: 'file-not-found',
    title: 'Not Found',
    detail: 'No file with id 0196…',
  },
  409: {
    description: 'Conflicts with the current state.',
    code: 'invalid-state-transition',
    title: 'Conflict',
    detail: 'A file cannot move from completed to restored.',
  },
  410: {
    description: 'The upload expired or was terminated; start a new one.',
    code: 'upload-expired',
    title: 'Gone',
    detail: 'Upload 0196… has expired; its bytes were discarded. Start a new upload.',
  },
  412: {
    description: 'Tus-Resumable missing or not 1.0.0 (Tus-Version lists what is spoken).',
    code: 'unsupported-tus-version',
    title: 'Precondition Failed',
    detail: 'Send Tus-Resumable: 1.0.0.',
  },
  423: {
    description: 'Another request is writing this upload; retry shortly.',
    code: 'upload-locked',
    title: 'Locked',
    detail: 'Another request is writing upload 0196… right now.',
  },
  460: {
    description: 'Upload-Checksum does not match the chunk; it was discarded, the offset is unchanged.',
    code: 'chunk-checksum-mismatch',
    title: 'Checksum Mismatch',
    detail: "The chunk's sha256 checksum does not match Upload-Checksum.",
  },
  413: {
    description: 'Larger than the maximum size.',
    code: 'file-too-large',
    title: 'Payload Too Large',
    detail: 'The file is larger than the maximum of 5368709120 bytes.',
  },
  415: {
    description: 'Not multipart/form-data.',
    code: 'unsupported-media-type',
    title: 'Unsupported Media Type',
    detail: 'Send the file as multipart/form-data with a part named "file".',
  },
  416: {
    description: 'Range not satisfiable (Content-Range: bytes */size).',
    code: 'range-not-satisfiable',
    title: 'Range Not Satisfiable',
    detail: 'The file has 10000 bytes.',
  },
  429: {
    description: 'Too many requests; see Retry-After.',
    code: 'too-many-requests',
    title: 'Too Many Requests',
    detail: 'ThrottlerException: Too Many Requests',
  },
  503: {
    description: 'No storage provider can take the file right now.',
    code: 'no-storage-provider',
    title: 'Service Unavailable',
    detail: 'No storage provider can take this file right now: every provider is unhealthy.',
  },
};

/** One documented problem: its status, what it means here, and an example body. */
export interface ProblemDoc {
  code: string;
  title: string;
  detail: string;
  description: string;
}

/**
 * Documents one error answer as application/problem+json with its own example; `withBody: false`
 * for HEAD, whose answers never carry one (RFC 9110 §9.3.2).
 */
export function ApiProblem(
  status: number,
  doc: ProblemDoc,
  options: { withBody?: boolean } = {},
): MethodDecorator & ClassDecorator {
  const example = {
    type: `https://flexstorage.dev/problems/${doc.code}`,
    title: doc.title,
    status,
    detail: doc.detail,
  };
  return ApiResponse({
    status,
    description: doc.description,
    ...(options.withBody === false
      ? {}
      : { content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemResponse) }, example } } }),
  });
}

/** Documents error answers as application/problem+json, each with this API's usual example. */
export function ApiProblemResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...statuses.map((status) => ApiProblem(status, usualProblem(status))));
}

/** The same for a HEAD route: the statuses and their meaning, no body. */
export function ApiHeadProblemResponses(...statuses: number[]): MethodDecorator {
  return applyDecorators(...statuses.map((status) => ApiProblem(status, usualProblem(status), { withBody: false })));
}

function usualProblem(status: number): ProblemDoc {
  const doc = PROBLEMS[status];
  if (!doc) throw new Error(`No usual problem for status ${status}: document it with ApiProblem(${status}, {…}).`);
  return doc;
}
