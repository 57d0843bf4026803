import { canResumeFrom, compareLiveEventIds, LiveLogBounds } from '../../application/live-events';
import { LiveLogEntry, LiveMessage } from '../../application/live-events';

/**
 * The user's log as read once the live subscription stands: its bounds and what came after the client's Last-Event-ID.
 */
export interface LiveLogSnapshot extends LiveLogBounds {
  after: LiveLogEntry[];
}

/**
 * One connection's events, gap- and duplicate-free across the seam between the replayed log and
 * the live channel: live events that arrive before `start` are held back; once the snapshot is
 * sent, they and all later ones go out unless they are at or before the position reached (the
 * snapshot was read after subscribing, so it may hold some of them already).
 */
export class LiveEventFeed {
  private held: LiveLogEntry[] = [];
  private send?: (message: LiveMessage) => void;
  private position?: string;
  private interrupted = false;

  constructor(private readonly lastEventId?: string) {}

  receive(entry: LiveLogEntry): void {
    if (this.send) this.forward(entry);
    else this.held.push(entry);
  }

  interrupt(): void {
    if (this.send) this.send({ kind: 'interrupted' });
    else this.interrupted = true;
  }

  start(log: LiveLogSnapshot, send: (message: LiveMessage) => void): void {
    this.send = send;
    const after = this.lastEventId;
    if (after === undefined) {
      this.position = log.last;
      send({ kind: 'position', streamId: log.last });
    } else if (canResumeFrom(after, log)) {
      this.position = after;
      for (const entry of log.after) this.forward(entry);
    } else {
      this.position = log.last;
      send({ kind: 'reset', streamId: log.last });
    }
    const held = this.held;
    this.held = [];
    for (const entry of held) this.forward(entry);
    if (this.interrupted) send({ kind: 'interrupted' });
  }

  private forward(entry: LiveLogEntry): void {
    if (this.position !== undefined && compareLiveEventIds(entry.streamId, this.position) <= 0) return;
    this.position = entry.streamId;
    this.send!({ kind: 'event', ...entry });
  }
}
