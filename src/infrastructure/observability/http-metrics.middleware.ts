import type { NextFunction, Request, Response } from 'express';
import { Metrics } from './metrics';

// Routes whose request or response body is file content.
const UPLOADS = /^\/api\/v1\/(files\/?$|uploads(\/|$))/;
const DOWNLOADS = /^\/api\/v1\/files\/[^/]+\/(content|thumbnail)$/;

/**
 * Times every request and labels it by the route pattern Express matched (never the raw URL, whose
 * ids would explode the label set). Counts the request bytes of accepted uploads and the bytes
 * written for downloads, without touching the streams themselves.
 */
export function httpMetrics(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    const readBefore = req.socket.bytesRead;
    const writtenBefore = req.socket.bytesWritten;
    res.once('close', () => {
      const matched = (req.route as { path?: string } | undefined)?.path; // Express types req.route as any
      const route = matched ? `${req.baseUrl}${matched}` : 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      const path = req.originalUrl.split('?')[0];
      if (UPLOADS.test(path) && req.method !== 'GET' && req.method !== 'HEAD' && res.statusCode < 400) {
        // Content-Length when declared: a small body arrives with its headers, before this middleware
        // could take the socket's count. A chunked body is counted from the socket.
        const declared = Number(req.headers['content-length']);
        metrics.bytes.inc(
          { direction: 'uploaded' },
          Number.isFinite(declared) ? declared : Math.max(0, req.socket.bytesRead - readBefore),
        );
      }
      if (DOWNLOADS.test(path) && req.method === 'GET')
        metrics.bytes.inc({ direction: 'downloaded' }, Math.max(0, req.socket.bytesWritten - writtenBefore));
    });
    next();
  };
}
