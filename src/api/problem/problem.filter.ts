import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { inspect } from 'node:util';
import { DomainError, DomainErrorKind } from '../../domain/shared';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, problemType } from './problem-details';
import { ProblemException } from './problem-exception';

const STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  validation: 400,
  unauthenticated: 401,
  'not-found': 404,
  conflict: 409,
  forbidden: 403,
  'too-large': 413,
  unavailable: 503,
  precondition: 412,
  gone: 410,
  locked: 423,
  'too-many': 429,
  unprocessable: 422,
};

const EXTRA_FIELDS = ['existingFileId', 'maxBytes', 'expected', 'actual', 'quotaBytes', 'usedBytes'] as const;

/**
 * Turns anything thrown into application/problem+json. Domain errors and HTTP exceptions keep their
 * meaning; anything else is a 500 whose details stay in the log, never in the response.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const problem = this.toProblem(error);
    problem.instance = req.originalUrl?.split('?')[0];
    // An expected outage (a provider down, Redis gone) is a warning; only the unexpected gets its stack logged.
    // Never the query string: it may hold a token (EventSource passes ?access_token=).
    const path = req.originalUrl?.split('?')[0];
    if (problem.status >= 500 && error instanceof DomainError)
      this.logger.warn(`${req.method} ${path}: ${error.message}`);
    else if (problem.status >= 500)
      this.logger.error(`${req.method} ${path}: ${(error as Error)?.stack ?? inspect(error)}`);

    if (res.headersSent) {
      // A stream failed mid-body: the only honest signal left is to cut the connection.
      res.destroy();
      return;
    }
    // Every 401 names the scheme (RFC 9110 §11.6.1), whichever layer refused the caller.
    if (problem.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    const retryAfter = (error as { retryAfterSeconds?: unknown })?.retryAfterSeconds;
    if (error instanceof DomainError && typeof retryAfter === 'number')
      res.setHeader('Retry-After', String(retryAfter));
    if (error instanceof ProblemException && error.extras.headers) {
      for (const [k, v] of Object.entries(error.extras.headers)) res.setHeader(k, v);
    }
    res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  /** A protocol of its own (tus) may answer some domain errors with a status of its own. */
  protected statusForCode(_code: string): { status: number; title: string } | undefined {
    return undefined;
  }

  private toProblem(error: unknown): ProblemDetails {
    if (error instanceof DomainError) {
      const special = this.statusForCode(error.code);
      const status = special?.status ?? STATUS_BY_KIND[error.kind];
      const problem: ProblemDetails = {
        type: problemType(error.code),
        title: special?.title ?? titleFor(status),
        status,
        detail: error.message,
      };
      if (error.fieldErrors?.length) problem.errors = error.fieldErrors;
      for (const field of EXTRA_FIELDS) {
        const value = (error as unknown as Record<string, unknown>)[field];
        if (value !== undefined) problem[field] = value;
      }
      return problem;
    }
    if (error instanceof ProblemException) {
      const { headers: _headers, ...extras } = error.extras;
      return {
        type: problemType(error.code),
        title: error.title,
        status: error.getStatus(),
        detail: error.message,
        ...extras,
      };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const body = error.getResponse();
      const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
      // Nest's "Cannot GET /path?query" would echo the query (a token, perhaps) back: cut it.
      const detail = (
        Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : error.message
      ).replace(/^(Cannot \S+ [^?\s]*)\?\S*/, '$1');
      const problem: ProblemDetails = {
        type: problemType(slug(titleFor(status))),
        title: titleFor(status),
        status,
        detail,
      };
      // A failed health check (terminus) keeps its report of what is down.
      if (typeof body === 'object' && body && 'details' in body) {
        problem.detail = 'A dependency is down; see details.';
        problem.details = body.details;
      }
      return problem;
    }
    if (isBodyParserError(error)) {
      // body-parser knows best: 400 malformed JSON, 413 too large, 415 unsupported charset.
      const status = error.status;
      const code = status === 413 ? 'body-too-large' : status === 415 ? 'unsupported-media-type' : 'malformed-body';
      return {
        type: problemType(code),
        title: titleFor(status),
        status,
        detail: `The request body could not be read: ${error.message}`,
      };
    }
    return {
      type: problemType('internal-error'),
      title: 'Internal Server Error',
      status: 500,
      detail: 'Something went wrong on our side.',
    };
  }
}

function isBodyParserError(error: unknown): error is Error & { status: number } {
  const e = error as { status?: unknown; type?: unknown };
  return typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && typeof e.type === 'string';
}

function titleFor(status: number): string {
  const name = HttpStatus[status];
  return name
    ? name
        .split('_')
        .map((w) => w[0] + w.slice(1).toLowerCase())
        .join(' ')
    : 'Error';
}

function slug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}
