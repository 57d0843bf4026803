import type { Request } from 'express';
import { LiveMessage, parseLiveEventId } from '../../application/live-events';
import { ProblemException } from '../problem/problem-exception';

/** A live message on the wire (`interrupted` has none: the stream ends instead). */
export function sseMessage(message: Exclude<LiveMessage, { kind: 'interrupted' }>): string {
  switch (message.kind) {
    case 'event':
      return `id: ${message.streamId}\nevent: ${message.event.type}\ndata: ${JSON.stringify(message.event)}\n\n`;
    case 'position':
      return `id: ${message.streamId}\n\n`;
    case 'reset':
      return `id: ${message.streamId}\nevent: reset\ndata: {}\n\n`;
  }
}

/**
 * Where the client stopped: the Last-Event-ID header (EventSource sends it by itself), else
 * `?lastEventId=`. A header that is not one of our ids (one from before an upgrade, a proxy's) is
 * treated as a position too old to replay: the stream starts with `reset`. Refusing it would end an
 * EventSource for good (it never reconnects after a non-200). A malformed `lastEventId` parameter
 * is the caller's own doing: 400.
 */
export function lastEventIdOf(req: Request): string | undefined {
  const header = req.headers['last-event-id'];
  if (typeof header === 'string' && header !== '') return parseLiveEventId(header) ?? BEFORE_ANY_EVENT;
  const raw = req.query.lastEventId;
  if (raw === undefined || raw === '') return undefined;
  const id = typeof raw === 'string' ? parseLiveEventId(raw) : undefined;
  if (id === undefined) {
    throw new ProblemException(
      400,
      'invalid-last-event-id',
      'Bad Request',
      'lastEventId must be an id this stream sent: <milliseconds>-<sequence>, e.g. 1718000000000-0.',
    );
  }
  return id;
}

/** Older than anything a log keeps: resuming from it always answers `reset`. */
const BEFORE_ANY_EVENT = '0-0';
