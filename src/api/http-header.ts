import type { Request } from 'express';

/** A request header's value; the first one when a client sent it several times. */
export function firstHeader(req: Request, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
