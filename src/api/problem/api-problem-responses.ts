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

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (field errors in `errors`).',
  401: 'Missing, expired or invalid bearer token.',
  404: 'No such file, or not yours.',
  409: 'Conflicts with the current state.',
  413: 'Larger than the maximum size.',
  415: 'Not multipart/form-data.',
  416: 'Range not satisfiable (Content-Range: bytes */size).',
  429: 'Too many requests; see Retry-After.',
  503: 'No storage provider can take the file right now.',
};

/** Documents error answers as application/problem+json. */
export function ApiProblemResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error.',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemResponse' } } },
      }),
    ),
  );
}
