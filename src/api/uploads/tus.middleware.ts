import type { NextFunction, Request, Response } from 'express';
import { CHECKSUM_ALGORITHMS } from '../../application/ports';
import { TUS_EXTENSIONS, TUS_VERSION } from './tus-headers';

/**
 * Runs before routing (and before CORS) on the tus endpoint: `Tus-Resumable` on every response,
 * errors included; the discovery headers on OPTIONS, so they survive a CORS preflight answer;
 * and `X-HTTP-Method-Override`, for clients behind proxies that only pass GET and POST.
 */
export function tusMiddleware(maxSize: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    res.setHeader('Tus-Resumable', TUS_VERSION);
    const override = req.headers['x-http-method-override'];
    if (
      req.method === 'POST' &&
      typeof override === 'string' &&
      ['PATCH', 'DELETE', 'HEAD'].includes(override.toUpperCase())
    ) {
      req.method = override.toUpperCase();
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Tus-Version', TUS_VERSION);
      res.setHeader('Tus-Extension', TUS_EXTENSIONS.join(','));
      res.setHeader('Tus-Max-Size', String(maxSize));
      res.setHeader('Tus-Checksum-Algorithm', CHECKSUM_ALGORITHMS.join(','));
    }
    next();
  };
}
