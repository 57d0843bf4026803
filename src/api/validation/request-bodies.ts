import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { ProblemException } from '../problem/problem-exception';
import { jsonNestsDeeperThan } from './json-depth';

/** Deeper JSON is refused before it is parsed: the validation pipe walks a body recursively. */
export const MAX_JSON_DEPTH = 64;

/**
 * The JSON body parser: at most `maxBytes` (413), nested at most MAX_JSON_DEPTH levels (400
 * json-too-deep, checked on the raw bytes before JSON.parse), UTF-8 only (RFC 8259 §8.1, and what
 * the depth scan reads). It runs before routing, so a hostile body is refused before any guard.
 */
export function jsonBody(maxBytes: number): RequestHandler {
  return answeringProblems(express.json({ limit: maxBytes, verify: refuseDeepOrNotUtf8 }), maxBytes);
}

/** Form bodies as Nest would parse them by default, with the same size limit and problem answers. */
export function urlencodedBody(maxBytes: number): RequestHandler {
  return answeringProblems(express.urlencoded({ extended: true, limit: maxBytes }), maxBytes);
}

function refuseDeepOrNotUtf8(_req: IncomingMessage, _res: unknown, body: Buffer, encoding: string): void {
  if (encoding !== 'utf-8') {
    throw new ProblemException(415, 'unsupported-media-type', 'Unsupported Media Type', 'Send JSON as UTF-8.');
  }
  if (jsonNestsDeeperThan(body, MAX_JSON_DEPTH)) {
    throw new ProblemException(
      400,
      'json-too-deep',
      'Bad Request',
      `The JSON body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels.`,
      { maxDepth: MAX_JSON_DEPTH },
    );
  }
}

/** body-parser's errors (http-errors with a `type`) as problems with codes of their own. */
function answeringProblems(parser: RequestHandler, maxBytes: number): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) =>
    parser(req, res, (error?: unknown) => next(error === undefined ? undefined : asProblem(error, maxBytes)));
}

function asProblem(error: unknown, maxBytes: number): unknown {
  if (error instanceof ProblemException) return error;
  const { status, type, message } = error as { status?: unknown; type?: unknown; message?: string };
  if (typeof status !== 'number' || status < 400 || status >= 500) return error;
  switch (type) {
    case 'entity.too.large':
      return new ProblemException(
        413,
        'body-too-large',
        'Payload Too Large',
        `The request body is larger than ${maxBytes} bytes.`,
        { maxBytes },
      );
    case 'entity.parse.failed':
      return new ProblemException(400, 'malformed-json', 'Bad Request', `The body is not valid JSON: ${message}`);
    case 'parameters.too.many':
      return new ProblemException(413, 'body-too-large', 'Payload Too Large', `The form has ${message}.`);
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new ProblemException(415, 'unsupported-media-type', 'Unsupported Media Type', `${message}.`);
    default:
      // A body that does not inflate, ends early or has the wrong length: zlib and raw-body say which.
      return new ProblemException(400, 'malformed-body', 'Bad Request', `The body could not be read: ${message}`);
  }
}
