import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';
import { TUS_EXPOSED_HEADERS, TUS_REQUEST_HEADERS } from './uploads/tus-headers';

/**
 * Every request header the API reads, so a page on an allowed origin may send it (the
 * CORS-safelisted ones, Accept and simple Content-Types, need no listing but are harmless).
 */
export const CORS_REQUEST_HEADERS = [
  'Authorization',
  // application/json bodies, multipart boundaries and tus' offset+octet-stream are not "simple".
  'Content-Type',
  ...TUS_REQUEST_HEADERS,
  // Downloads: resumable ranges and revalidation.
  'Range',
  'If-Range',
  'If-None-Match',
  'X-Content-SHA256',
  // Fetch-based live-event clients resume with it (EventSource sends it by itself, same-origin only).
  'Last-Event-ID',
  // Correlates a page's request with the server's log lines.
  'X-Request-Id',
];

/** Every response header the API sets that is not CORS-safelisted, so a page may read it. */
export const CORS_EXPOSED_HEADERS = [
  ...TUS_EXPOSED_HEADERS, // Location among them (upload and file URLs)
  // Downloads.
  'Content-Disposition',
  'Content-Range',
  'Accept-Ranges',
  'ETag',
  'X-Image-Width',
  'X-Image-Height',
  // Problems: when to retry (429, 503), where to follow (a retrieval's Link), which scheme (401).
  'Retry-After',
  'Link',
  'WWW-Authenticate',
  // The sign-in endpoints' rate limit.
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
  'X-Request-Id',
];

/** CORS for the origins in CORS_ORIGINS (`*`: any), with the header lists above. */
export function corsOptions(origins: readonly string[]): CorsOptions {
  return {
    origin: origins.includes('*') ? true : [...origins],
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: CORS_REQUEST_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: 86_400,
  };
}
