import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

class FieldErrorResponse {
  @ApiProperty({ example: 'name' }) field!: string;
  @ApiProperty({ example: 'A file name may not contain a path separator.' }) message!: string;
}

/** RFC 9457 problem details, as every error of this API is answered. */
export class ProblemResponse {
  @ApiProperty({ example: 'https://flexstorage.dev/problems/validation-failed' }) type!: string;
  @ApiProperty({ example: 'Bad Request' }) title!: string;
  @ApiProperty({ example: 400 }) status!: number;
  @ApiPropertyOptional({ example: 'A file name may not contain a path separator.' }) detail?: string;
  @ApiPropertyOptional({ example: '/api/v1/files' }) instance?: string;
  @ApiPropertyOptional({ type: [FieldErrorResponse] }) errors?: FieldErrorResponse[];
}

const PROBLEMS: Record<number, { description: string; code: string; title: string; detail: string }> = {
  400: { description: 'Invalid input (field errors in `errors`).', code: 'validation-failed', title: 'Bad Request', detail: 'A file name may not contain a path separator.' },
  401: { description: 'Missing, expired or invalid bearer token.', code: 'missing-token', title: 'Unauthorized', detail: 'This endpoint needs an Authorization: Bearer token.' },
  404: { description: 'No such file, or not yours.', code: 'file-not-found', title: 'Not Found', detail: 'No file with id 0196…' },
  409: { description: 'Conflicts with the current state.', code: 'invalid-state-transition', title: 'Conflict', detail: 'A file cannot move from completed to restored.' },
  413: { description: 'Larger than the maximum size.', code: 'file-too-large', title: 'Payload Too Large', detail: 'The file is larger than the maximum of 5368709120 bytes.' },
  415: { description: 'Not multipart/form-data.', code: 'unsupported-media-type', title: 'Unsupported Media Type', detail: 'Send the file as multipart/form-data with a part named "file".' },
  416: { description: 'Range not satisfiable (Content-Range: bytes */size).', code: 'range-not-satisfiable', title: 'Range Not Satisfiable', detail: 'The file has 10000 bytes.' },
  429: { description: 'Too many requests; see Retry-After.', code: 'too-many-requests', title: 'Too Many Requests', detail: 'ThrottlerException: Too Many Requests' },
  503: { description: 'No storage provider can take the file right now.', code: 'no-storage-provider', title: 'Service Unavailable', detail: 'No storage provider can take this file right now: every provider is unhealthy.' },
};

/** Documents error answers as application/problem+json. */
export function ApiProblemResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) => {
      const p = PROBLEMS[status];
      return ApiResponse({
        status,
        description: p?.description ?? 'Error.',
        content: {
          'application/problem+json': {
            schema: { $ref: '#/components/schemas/ProblemResponse' },
            ...(p ? { example: { type: `https://flexstorage.dev/problems/${p.code}`, title: p.title, status, detail: p.detail } } : {}),
          },
        },
      });
    }),
  );
}
