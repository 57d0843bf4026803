import { LiveEvent } from '../ports';

/** A live event as kept in the user's log and announced on their channel: `streamId` is its SSE id. */
export interface LiveLogEntry {
  streamId: string;
  event: LiveEvent;
}

export type LiveMessage =
  | ({ kind: 'event' } & LiveLogEntry)
  /** Where a new stream starts (no data: it only sets the client's last event id). */
  | { kind: 'position'; streamId: string }
  /**
   * The client's Last-Event-ID is older than the log: it must re-read what it shows; the stream goes on from
   * `streamId`.
   */
  | { kind: 'reset'; streamId: string }
  /** Live events may have been lost here (the Redis subscription dropped): end the stream so the client resumes. */
  | { kind: 'interrupted' };

/** One open stream of the user's events: `start` once the response is ready to carry them, `close` when it ends. */
export interface LiveStream {
  start(send: (message: LiveMessage) => void): void;
  close(): Promise<void>;
}

/** Port: opens a user's stream, replaying what came after `lastEventId` first (a canonical id, see live-event-id). */
export interface LiveEventStreams {
  open(userId: string, lastEventId?: string): Promise<LiveStream>;
}
export const LIVE_EVENT_STREAMS = Symbol('LiveEventStreams');

/**
 * A slot among the user's streams, or the refusal: the limit, and when a slot may free up (a dead stream's lease
 * lapses).
 */
export type LiveStreamSlot = { release: () => Promise<void> } | { limit: number; retryAfterSeconds: number };

/** Port: how many streams a user holds open, on all API instances together. */
export interface LiveStreamLeases {
  acquire(userId: string): Promise<LiveStreamSlot>;
}
export const LIVE_STREAM_LEASES = Symbol('LiveStreamLeases');
