import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';

const PINO_LEVEL: Record<string, string> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};
/** Nest's level names (LOG_LEVEL) in pino's terms. */
export function pinoLevel(level: string): string {
  return PINO_LEVEL[level] ?? 'info';
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Structured JSON logs (pino): every line of a request carries its request id (the client's
 * X-Request-Id when it is sane, else a new UUID, echoed back) and, once authenticated, the user id;
 * every line of a job carries the job id and queue (JobRunner). Secrets never reach a line:
 * authorization and cookie headers are redacted, and the query string is dropped from logged URLs
 * (browsers pass `access_token` there).
 */
export function loggingParams(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: pinoLevel(config.logLevel),
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customAttributeKeys: { reqId: 'requestId' },
      serializers: {
        req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({
          method: req.method,
          url: req.url.split('?')[0],
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], remove: true },
      customLogLevel: (_req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
      quietReqLogger: true,
    },
    renameContext: 'context',
    // Fields assigned during a request (the user id, once authenticated) also reach its "request completed" line.
    assignResponse: true,
  };
}
