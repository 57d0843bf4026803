import busboy from 'busboy';
import type { Request } from 'express';
import { Readable } from 'node:stream';
import { ProblemException } from '../problem/problem-exception';
import { findUnstorableText, unstorableText } from '../validation/request-text';

export interface IncomingFilePart {
  stream: Readable;
  filename?: string;
  mimeType?: string;
  /** Fields that arrived before the file part. */
  fields: Record<string, string[]>;
  /** Fields after the file part, once the form has ended; rejects if the form fails. */
  trailingFields: Promise<Record<string, string[]>>;
}

const FIELD_LIMITS = { fields: 50, fieldSize: 64 * 1024, parts: 52, headerPairs: 100 };

/**
 * Streams a multipart/form-data request: fields are collected, the single `file` part is handed to
 * `onFile` as a stream while it arrives, with a promise of the fields that follow it. Resolves with
 * the handler's result. The body is never buffered; a client that disconnects aborts `signal`.
 */
export function receiveMultipart<T>(
  req: Request,
  signal: AbortController,
  onFile: (part: IncomingFilePart) => Promise<T>,
): Promise<T> {
  if (!req.is('multipart/form-data')) {
    throw new ProblemException(
      415,
      'unsupported-media-type',
      'Unsupported Media Type',
      'Send the file as multipart/form-data with a part named "file".',
    );
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // preservePath: names arrive as sent, so a path-like name is refused rather than silently cut.
        preservePath: true,
        // Browsers (FormData) and curl send `filename=` as raw UTF-8; busboy's default reads it as
        // latin1 ("CafÃ©"). An RFC 5987 `filename*=` carries its own charset and wins over `filename=`.
        defParamCharset: 'utf8',
        limits: { ...FIELD_LIMITS, files: 1 },
      });
    } catch (e) {
      reject(badMultipart((e as Error).message));
      return;
    }
    // No prototype: a field named __proto__ or constructor is a field (refused as unknown), not a crash.
    const fields = Object.create(null) as Record<string, string[]>;
    const lateFields = Object.create(null) as Record<string, string[]>;
    let endOfForm!: { resolve: (f: Record<string, string[]>) => void; reject: (e: unknown) => void };
    const trailingFields = new Promise<Record<string, string[]>>(
      (resolve, reject) => (endOfForm = { resolve, reject }),
    );
    trailingFields.catch(() => undefined); // a handler that failed earlier never awaits it
    let handling: Promise<T> | undefined;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      endOfForm.reject(error);
      signal.abort(error);
      req.unpipe(parser);
      // Answer only once the aborted write has cleaned up, so a refused upload leaves nothing behind.
      void (handling ?? Promise.resolve()).catch(() => undefined).finally(() => reject(error));
    };

    parser.on('field', (name, value, info) => {
      if (info.valueTruncated)
        return fail(badMultipart(`Field "${name}" is longer than ${FIELD_LIMITS.fieldSize} bytes.`));
      const unstorable = findUnstorableText({ [name]: value }, '');
      if (unstorable) return fail(unstorableText(unstorable.field, unstorable.reason));
      const target = handling ? lateFields : fields;
      (target[name] ??= []).push(value);
    });
    parser.on('file', (name, stream, info) => {
      if (settled) return stream.resume(); // refused already (a bad field before it): never start the upload
      if (name !== 'file' || handling) {
        stream.resume();
        return fail(badMultipart(`Unexpected file part "${name}": send exactly one part named "file".`));
      }
      // The consumer sees stream errors through iteration; this keeps a cut-short form from
      // raising an unhandled 'error' before the consumer has started reading.
      stream.on('error', () => undefined);
      handling = onFile({
        stream,
        filename: info.filename,
        mimeType: info.mimeType,
        fields: { ...fields },
        trailingFields,
      });
      handling.catch((e) => {
        stream.resume();
        fail(e);
      });
    });
    parser.on('filesLimit', () => fail(badMultipart('Send exactly one part named "file".')));
    parser.on('fieldsLimit', () => fail(badMultipart(`At most ${FIELD_LIMITS.fields} fields are accepted.`)));
    parser.on('partsLimit', () => fail(badMultipart('Too many parts.')));
    parser.on('error', (e: Error) => fail(badMultipart(e.message)));
    parser.on('close', () => {
      if (settled) return;
      if (!handling) return fail(badMultipart('The request has no part named "file".'));
      endOfForm.resolve(lateFields);
      handling.then((result) => {
        settled = true;
        resolve(result);
      }, fail);
    });

    // A client that goes away mid-upload must not leave a half-written object behind.
    req.on('close', () => {
      if (!req.complete)
        fail(
          new ProblemException(
            400,
            'upload-aborted',
            'Bad Request',
            'The client closed the connection before the upload finished.',
          ),
        );
    });
    req.pipe(parser);
  });
}

function badMultipart(detail: string): ProblemException {
  return new ProblemException(400, 'malformed-multipart', 'Bad Request', detail);
}
