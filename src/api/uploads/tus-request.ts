import type { Request } from 'express';
import { CreateUploadCommand, IncomingChunk } from '../../application/uploads';
import { FileTooLargeError } from '../../domain/files';
import { firstHeader } from '../http-header';
import { ProblemException } from '../problem/problem-exception';
import {
  integerHeader,
  tusBadRequest,
  OFFSET_OCTET_STREAM,
  parseUploadChecksum,
  parseUploadConcat,
  parseUploadMetadata,
  targetFromMetadata,
} from './tus-headers';

/** A creation request's headers (and body, for creation-with-upload), checked: 400, 413 or 415 otherwise. */
export function readCreation(req: Request, maxSize: number): CreateUploadCommand['request'] {
  const concat = parseUploadConcat(firstHeader(req, 'upload-concat'));
  const length = integerHeader(firstHeader(req, 'upload-length'), 'Upload-Length');
  const deferred = firstHeader(req, 'upload-defer-length');
  if (concat.kind !== 'final') {
    if (deferred !== undefined && (deferred !== '1' || length !== undefined))
      throw tusBadRequest('Upload-Defer-Length', 'Send either Upload-Length or Upload-Defer-Length: 1.');
    if (deferred === undefined && length === undefined)
      throw tusBadRequest('Upload-Length', 'Send Upload-Length, or Upload-Defer-Length: 1 to declare it later.');
  }
  if (length !== undefined && length > maxSize) throw new FileTooLargeError(maxSize);
  const metadata = parseUploadMetadata(firstHeader(req, 'upload-metadata'));
  const body = hasBody(req);
  if (body && !isOffsetStream(req)) throw unsupportedMediaType();
  if (body && concat.kind === 'final')
    throw tusBadRequest(
      'Upload-Concat',
      'A final upload is made of its partial uploads and takes no bytes of its own.',
    );
  return {
    length: length ?? null,
    target: targetFromMetadata(metadata),
    clientMetadata: metadata,
    concat,
    firstChunk: body ? chunkOf(req) : undefined,
  };
}

/** A PATCH's chunk, checked: 415 without the tus content type, 400 without Upload-Offset. */
export function readAppend(req: Request): { offset: number; declaredLength?: number; chunk: IncomingChunk } {
  if (!isOffsetStream(req)) throw unsupportedMediaType();
  const offset = integerHeader(firstHeader(req, 'upload-offset'), 'Upload-Offset');
  if (offset === undefined)
    throw tusBadRequest('Upload-Offset', 'Send Upload-Offset: the offset this chunk starts at.');
  const declaredLength = integerHeader(firstHeader(req, 'upload-length'), 'Upload-Length');
  return { offset, declaredLength, chunk: chunkOf(req) };
}

function chunkOf(req: Request): IncomingChunk {
  const abort = new AbortController();
  req.once('close', () => {
    if (!req.complete) abort.abort(new Error('The client closed the connection mid-chunk.'));
  });
  const length = integerHeader(firstHeader(req, 'content-length'), 'Content-Length');
  return {
    body: req,
    contentLength: length,
    checksum: parseUploadChecksum(firstHeader(req, 'upload-checksum')),
    signal: abort.signal,
  };
}

function hasBody(req: Request): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

function isOffsetStream(req: Request): boolean {
  return (firstHeader(req, 'content-type') ?? '').split(';')[0].trim().toLowerCase() === OFFSET_OCTET_STREAM;
}

function unsupportedMediaType(): ProblemException {
  return new ProblemException(
    415,
    'unsupported-media-type',
    'Unsupported Media Type',
    `Send chunks as Content-Type: ${OFFSET_OCTET_STREAM}.`,
  );
}
