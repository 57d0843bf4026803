import { LiveLogEntry, LiveMessage } from '../../application/live-events';
import { LiveEventFeed } from './live-event-feed';

const entry = (streamId: string): LiveLogEntry => ({
  streamId,
  event: { id: `event-${streamId}`, type: 'file.uploaded', occurredAt: '2026-01-01T00:00:00.000Z', data: {} },
});

function run(feed: LiveEventFeed, ...steps: ((sent: LiveMessage[]) => void)[]): string[] {
  const sent: LiveMessage[] = [];
  for (const step of steps) step(sent);
  return sent.map((m) =>
    m.kind === 'event' ? m.streamId : m.kind === 'interrupted' ? 'interrupted' : `${m.kind} ${m.streamId}`,
  );
}

describe('LiveEventFeed', () => {
  it("replays what came after the client's last event, then the live events held back meanwhile, each once", () => {
    const feed = new LiveEventFeed('1-0');
    const sent = run(
      feed,
      () => feed.receive(entry('3-0')), // published after the subscription, before the log was read: in both
      () => feed.receive(entry('4-0')), // published after the log was read: live only
      (out) => feed.start({ first: '1-0', last: '3-0', after: [entry('2-0'), entry('3-0')] }, (m) => out.push(m)),
      () => feed.receive(entry('5-0')),
      () => feed.receive(entry('5-0')), // the same announcement twice (a re-sent command)
    );
    expect(sent).toEqual(['2-0', '3-0', '4-0', '5-0']);
  });

  it('holds back live events until started', () => {
    const feed = new LiveEventFeed();
    const out: LiveMessage[] = [];
    feed.receive(entry('7-0'));
    expect(out).toEqual([]);
    feed.start({ first: '1-0', last: '6-0', after: [] }, (m) => out.push(m));
    expect(out.map((m) => m.kind)).toEqual(['position', 'event']);
  });

  it("starts a new stream at the log's newest id, sending only what comes after it", () => {
    const feed = new LiveEventFeed();
    const sent = run(
      feed,
      () => feed.receive(entry('6-0')), // already in the log as read: the client's lists include it
      (out) => feed.start({ first: '1-0', last: '6-0', after: [] }, (m) => out.push(m)),
      () => feed.receive(entry('7-0')),
    );
    expect(sent).toEqual(['position 6-0', '7-0']);
  });

  it("resets a client whose last event the log no longer holds, and goes on from the log's newest id", () => {
    const feed = new LiveEventFeed('1-0');
    const sent = run(
      feed,
      () => feed.receive(entry('9-0')),
      (out) => feed.start({ first: '5-0', last: '9-0', after: [entry('5-0'), entry('9-0')] }, (m) => out.push(m)),
      () => feed.receive(entry('10-0')),
    );
    expect(sent).toEqual(['reset 9-0', '10-0']);
  });

  it('resets a client whose last event is newer than the log (the log was lost)', () => {
    const feed = new LiveEventFeed('500-0');
    expect(run(feed, (out) => feed.start({ first: '3-0', last: '3-0', after: [] }, (m) => out.push(m)))).toEqual([
      'reset 3-0',
    ]);
  });

  it('reports an interruption that came while the log was read, after what it could still send', () => {
    const feed = new LiveEventFeed('1-0');
    const sent = run(
      feed,
      () => feed.interrupt(),
      (out) => feed.start({ first: '1-0', last: '2-0', after: [entry('2-0')] }, (m) => out.push(m)),
    );
    expect(sent).toEqual(['2-0', 'interrupted']);
  });
});
