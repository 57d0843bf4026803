import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import { Actor } from '../../domain/user/role';
import { LiveEventHub } from '../../infrastructure/live/redis-live-events';
import { CurrentActor } from '../auth/current-actor.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiProblemResponses } from '../problem/api-problem-responses';
import { ProblemException } from '../problem/problem-exception';

const HEARTBEAT_MS = 25_000;

/**
 * EventSource (browsers) cannot send headers: the token may come as `?access_token=` on this one
 * route. It is moved into the Authorization header, so the same guard checks it; logged URLs never
 * carry the query string.
 */
export function liveEventsTokenFromQuery(req: Request, _res: Response, next: NextFunction): void {
  const token = req.query.access_token;
  if (!req.headers.authorization && typeof token === 'string' && token) req.headers.authorization = `Bearer ${token}`;
  next();
}

@ApiTags('events')
@ApiBearerAuth()
@ApiProblemResponses(401)
@UseGuards(JwtAuthGuard)
@Controller('events')
export class EventsController {
  constructor(private readonly hub: LiveEventHub) {}

  @Get()
  @ApiOperation({
    summary: 'Your events as they happen (Server-Sent Events): file.uploaded, file.deleted, upload.expired, retrieval.ready, …',
    description: 'Each message: `id` (the event id), `event` (its type), `data` (JSON: id, type, occurredAt, data). A comment line every 25 s keeps proxies from closing the stream; the stream ends with an `token-expired` event when the access token expires (reconnect with a fresh one). Events missed while disconnected are not replayed: re-read what you show.',
  })
  @ApiQuery({ name: 'access_token', required: false, description: 'for EventSource, which cannot send an Authorization header' })
  @ApiOkResponse({ description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  async stream(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response): Promise<void> {
    let closed = false;
    let cleanup = (): void => undefined;
    req.on('close', () => {
      closed = true;
      cleanup();
    });
    // Subscribed before the 200 goes out, so a failure (Redis down) still answers as a problem.
    let unsubscribe: () => Promise<void>;
    try {
      unsubscribe = await this.hub.subscribe(actor.userId, (event) => {
        res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      });
    } catch {
      throw new ProblemException(503, 'live-events-unavailable', 'Service Unavailable', 'Live events cannot be delivered right now; reconnect shortly.', { headers: { 'Retry-After': '5' } });
    }
    if (closed) return void unsubscribe(); // the client left while the subscription was made
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('X-Accel-Buffering', 'no'); // nginx: do not buffer the stream
    res.flushHeaders();
    res.write('retry: 3000\n: connected\n\n');
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    // The stream lives no longer than the token that opened it.
    const exp = (jwt.decode(req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? '') as jwt.JwtPayload | null)?.exp;
    const expiry = exp ? setTimeout(() => res.end('event: token-expired\ndata: {}\n\n'), Math.max(0, exp * 1000 - Date.now())) : undefined;
    expiry?.unref();
    cleanup = () => {
      clearInterval(heartbeat);
      if (expiry) clearTimeout(expiry);
      void unsubscribe();
    };
  }
}
