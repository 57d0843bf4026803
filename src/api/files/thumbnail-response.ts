import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { ThumbnailContent } from '../../application/media';
import { matchesEtag } from './content-response';

/**
 * Serves a rendition: strong ETag (its SHA-256), If-None-Match → 304, its dimensions in
 * X-Image-Width/Height. `headers` are set after the defaults on 200 and 304.
 */
export async function sendThumbnail(
  req: Request,
  res: Response,
  content: ThumbnailContent,
  headers: Record<string, string> = {},
): Promise<void> {
  const etag = `"${content.sha256}"`;
  const renditionHeaders = () => {
    res.setHeader('ETag', etag);
    // Short-lived in the client's own cache; after that a revalidation costs a 304.
    res.setHeader('Cache-Control', 'private, max-age=300');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Last-Modified', content.createdAt.toUTCString());
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  };
  if (matchesEtag(req.headers['if-none-match'], etag)) {
    renditionHeaders();
    res.status(304).end();
    return;
  }
  // Opened before any header is set, so a provider refusal still answers as a plain problem.
  const body = req.method === 'HEAD' ? undefined : await content.open();
  renditionHeaders();
  res.status(200).type(content.contentType).setHeader('Content-Length', String(content.size));
  res.setHeader('X-Image-Width', String(content.width));
  res.setHeader('X-Image-Height', String(content.height));
  if (!body) return void res.end();
  try {
    await pipeline(body, res);
  } catch (error) {
    if (res.destroyed && (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return; // the client went away
    throw error;
  }
}
