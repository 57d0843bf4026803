import { Controller, Get, Inject, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import { Actor } from '../../domain/auth/role';
import { LIVE_EVENT_STREAMS, LIVE_STREAM_LEASES } from '../../application/live-events';
import { LiveEventStreams, LiveStream, LiveStreamLeases } from '../../application/live-events';
import { CurrentActor } from '../auth/current-actor.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiProblem, ApiProblemResponses } from '../problem/api-problem-responses';
import { ProblemException } from '../problem/problem-exception';
import { lastEventIdOf, sseMessage } from './sse-message';

const HEARTBEAT_MS = 25_000;
/**
 * The client's reconnect delay: 2–5 s, drawn per stream so the clients of a restarted instance do not all come back at
 * once.
 */
const retryMs = () => 2_000 + Math.floor(Math.random() * 3_000);

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

const unavailable = () =>
  new ProblemException(
    503,
    'live-events-unavailable',
    'Service Unavailable',
    'Live events cannot be delivered right now; reconnect shortly.',
    { headers: { 'Retry-After': '5' } },
  );

/** How long opening a stream may wait on Redis before it answers 503 (Redis gone mid-request). */
const OPEN_TIMEOUT_MS = 5_000;

/**
 * `work`, or a rejection after OPEN_TIMEOUT_MS; what `work` brings later is given back with
 * `giveBack`, so a slot or subscription taken after the answer went out is not held for nothing.
 */
function withinOpenTimeout<T>(work: Promise<T>, giveBack: (late: T) => unknown): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(`Redis did not answer within ${OPEN_TIMEOUT_MS} ms`));
    }, OPEN_TIMEOUT_MS);
  });
  work.then(
    (late) =>
      timedOut &&
      Promise.resolve()
        .then(() => giveBack(late))
        .catch(() => undefined),
    () => undefined,
  );
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

@ApiTags('events')
@ApiBearerAuth()
@ApiProblemResponses(401)
@UseGuards(JwtAuthGuard)
@Controller('events')
export class EventsController {
  constructor(
    @Inject(LIVE_EVENT_STREAMS) private readonly hub: LiveEventStreams,
    @Inject(LIVE_STREAM_LEASES) private readonly leases: LiveStreamLeases,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'streamEvents',
    summary:
      'Your events as they happen (Server-Sent Events): file.uploaded, file.deleted, upload.expired, retrieval.ready, …',
    description: [
      'Each message: `id` (its position in your event log, `<ms>-<seq>`, increasing), `event` (its type), `data` (JSON: id — the domain event id, the same on a replay —, type, occurredAt, data).',
      'A new stream first sends `retry:`, a `: connected` comment and a data-less message carrying only an `id`: your position as of now (read your lists after it).',
      '**Resuming**: reconnect with `Last-Event-ID` (EventSource does by itself) or `?lastEventId=` to get every event after it from the log (the last 1000 per user, for a day after your last event, by default), then the live ones, with no gap and no duplicate.',
      'If the id is older than the log keeps, the stream starts with `event: reset` (`data: {}`, an `id` to resume from later): re-read what you show through the REST API, then carry on with this stream.',
      'A comment line every 25 s keeps proxies from closing the stream; the stream ends with a `token-expired` event when the access token expires (reconnect with a fresh one), and without one when live delivery was interrupted (reconnect: the log fills the gap).',
      'At most 10 streams per user by default, on all instances together: more answer 429 with Retry-After.',
    ].join('\n\n'),
  })
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'resume after this event (the `id` of the last message received)',
  })
  @ApiQuery({
    name: 'lastEventId',
    type: String,
    required: false,
    description: 'the same, for clients that cannot set headers',
  })
  @ApiQuery({
    name: 'access_token',
    type: String,
    required: false,
    description: 'for EventSource, which cannot send an Authorization header',
  })
  @ApiOkResponse({ description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  @ApiProblem(400, {
    code: 'invalid-last-event-id',
    title: 'Bad Request',
    detail: 'Last-Event-ID must be an id this stream sent: <milliseconds>-<sequence>, e.g. 1718000000000-0.',
    description: 'Last-Event-ID (or lastEventId) is not an id this stream sends.',
  })
  @ApiProblem(429, {
    code: 'too-many-live-streams',
    title: 'Too Many Requests',
    detail: 'You already have 10 live event streams open; close one first.',
    description: 'Too many open streams for this user (all instances); see Retry-After.',
  })
  @ApiProblem(503, {
    code: 'live-events-unavailable',
    title: 'Service Unavailable',
    detail: 'Live events cannot be delivered right now; reconnect shortly.',
    description: 'Redis unavailable; see Retry-After.',
  })
  async stream(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response): Promise<void> {
    const lastEventId = lastEventIdOf(req);
    // Whatever is taken is given back when the response closes, however far the opening got.
    let closed = false;
    const cleanups: (() => unknown)[] = [];
    const cleanup = () => {
      for (const undo of cleanups.splice(0)) undo();
    };
    res.on('close', () => {
      closed = true;
      cleanup();
    });

    const slot = await withinOpenTimeout(
      this.leases.acquire(actor.userId),
      (late) => 'release' in late && late.release(),
    ).catch(() => {
      throw unavailable();
    });
    if ('retryAfterSeconds' in slot) {
      throw new ProblemException(
        429,
        'too-many-live-streams',
        'Too Many Requests',
        `You already have ${slot.limit} live event streams open; close one first.`,
        {
          headers: { 'Retry-After': String(slot.retryAfterSeconds) },
        },
      );
    }
    cleanups.push(() => slot.release());
    if (closed) return cleanup();
    // Subscribed (and the log read) before the 200 goes out, so a failure (Redis down) still answers as a problem.
    let stream: LiveStream;
    try {
      stream = await withinOpenTimeout(this.hub.open(actor.userId, lastEventId), (late) => late.close());
    } catch {
      cleanup();
      throw unavailable();
    }
    cleanups.push(() => stream.close());
    if (closed) return cleanup(); // the client left while the subscription was made

    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('X-Accel-Buffering', 'no'); // nginx: do not buffer the stream
    res.flushHeaders();
    // Nothing goes out after the end (a write after it would be an unhandled 'error' on the response).
    const write = (text: string) => void (res.writableEnded || res.write(text));
    const end = (text?: string) => void (res.writableEnded || res.end(text));
    write(`retry: ${retryMs()}\n: connected\n\n`);
    stream.start((message) => (message.kind === 'interrupted' ? end() : write(sseMessage(message))));
    const heartbeat = setInterval(() => write(': ping\n\n'), HEARTBEAT_MS);
    cleanups.push(() => clearInterval(heartbeat));
    // The stream lives no longer than the token that opened it.
    const exp = (jwt.decode(req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? '') as jwt.JwtPayload | null)?.exp;
    if (exp) {
      const expiry = setTimeout(
        () => end('event: token-expired\ndata: {}\n\n'),
        Math.max(0, exp * 1000 - Date.now()),
      ).unref();
      cleanups.push(() => clearTimeout(expiry));
    }
  }
}
