import contentDisposition from 'content-disposition';
import type { Request, Response } from 'express';
import rangeParser from 'range-parser';
import { pipeline } from 'node:stream/promises';
import { FileContent } from '../../application/files';
import { ByteRange } from '../../domain/storage';
import { ProblemException } from '../problem/problem-exception';

const INLINE_SAFE = /^(image\/(png|jpeg|gif|webp|avif|heic|heif)|video\/|audio\/|application\/pdf$)/;

export interface ContentOptions {
  /** Content-Disposition inline, for the types a browser shows safely; else attachment. */
  inline: boolean;
  /** Set on every answer that carries the file's headers (200, 206, 304), after the defaults. */
  headers?: Record<string, string>;
}

/**
 * Serves file bytes with the HTTP semantics clients rely on: strong ETag (the SHA-256),
 * If-None-Match → 304, single byte ranges → 206 (If-Range honoured), unsatisfiable → 416, and a
 * Content-Disposition that cannot be used to smuggle headers or paths.
 */
export async function sendContent(
  req: Request,
  res: Response,
  content: FileContent,
  { inline, headers = {} }: ContentOptions,
): Promise<void> {
  const { file } = content;
  const size = file.size ?? 0;
  const etag = `"${file.sha256}"`;
  const fileHeaders = (): void => {
    res.setHeader('ETag', etag);
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('Last-Modified', new Date(file.updatedAt).toUTCString());
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Content-Type', file.mimeType);
    const asInline = inline && INLINE_SAFE.test(file.mimeType);
    res.setHeader('Content-Disposition', dispositionHeader(file.name, asInline ? 'inline' : 'attachment'));
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  };

  if (matchesEtag(req.headers['if-none-match'], etag)) {
    fileHeaders();
    res.status(304).end();
    return;
  }

  let range: ByteRange | undefined;
  const rangeHeader = req.headers.range;
  const ifRange = req.headers['if-range'];
  if (rangeHeader && (!ifRange || ifRange === etag)) {
    const parsed = rangeParser(size, rangeHeader, { combine: true });
    if (parsed === -1) {
      throw new ProblemException(416, 'range-not-satisfiable', 'Range Not Satisfiable', `The file has ${size} bytes.`, {
        headers: { 'Content-Range': `bytes */${size}` },
      });
    }
    // Malformed (-2), non-byte units or several ranges: RFC 9110 lets a server send the whole file.
    if (Array.isArray(parsed) && parsed.type === 'bytes' && parsed.length === 1) range = parsed[0];
  }

  // Opened before any file header is set, so a refusal here (no restored copy, the provider down)
  // answers as a plain problem, not as an attachment named like the file.
  const body = req.method === 'HEAD' || size === 0 ? undefined : await content.open(range);
  fileHeaders();
  if (range) {
    res.status(206);
    res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    res.setHeader('Content-Length', String(range.end - range.start + 1));
  } else {
    res.status(200);
    res.setHeader('Content-Length', String(size));
  }
  if (!body) {
    res.end();
    return;
  }
  try {
    await pipeline(body, res);
  } catch (error) {
    // The client hanging up mid-download is normal, not a server error.
    if (res.destroyed && (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    throw error;
  }
}

/**
 * Any name beyond ASCII goes in filename* (UTF-8, RFC 6266), with an ASCII filename= for old
 * clients: a latin1 "é" sent raw in filename= is read differently by different browsers.
 */
export function dispositionHeader(name: string, type: 'inline' | 'attachment'): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]/g, '_');
  return contentDisposition(name, { type, fallback: ascii });
}

export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}
