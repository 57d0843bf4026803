import { HttpException } from '@nestjs/common';
import { FieldError } from '../../domain/shared';

/** An HTTP-level problem raised by the api layer itself (bad multipart, bad Range, ...). */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly extras: { errors?: FieldError[]; headers?: Record<string, string>; [k: string]: unknown } = {},
  ) {
    super(detail, status);
  }
}
