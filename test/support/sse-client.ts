export interface SseMessage {
  id?: string;
  event?: string;
  data?: any;
  retry?: number;
}

/**
 * A Server-Sent Events client over fetch: collects messages (`: connected` becomes an event of
 * that name; a block with only an `id` is kept too, as the stream's position).
 */
export function listen(url: string, headers: Record<string, string> = {}) {
  const messages: SseMessage[] = [];
  const controller = new AbortController();
  let ended = false;
  let status = 0;
  const connected = (async () => {
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
    status = res.status;
    if (res.status !== 200) return res;
    // Reads the stream in the background (its end is `ended`); it catches its own errors.
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const message: SseMessage = {};
            for (const line of block.split('\n')) {
              if (line.startsWith('id: ')) message.id = line.slice(4);
              else if (line.startsWith('event: ')) message.event = line.slice(7);
              else if (line.startsWith('data: ')) message.data = JSON.parse(line.slice(6));
              else if (line.startsWith('retry: ')) message.retry = Number(line.slice(7));
              else if (line === ': connected') message.event = 'connected';
            }
            if (Object.keys(message).length > 0) messages.push(message);
          }
        }
      } catch {
        /* aborted */
      }
      ended = true;
    })();
    return res;
  })();
  connected.catch(() => undefined);
  const waitFor = async (match: (m: SseMessage) => boolean, timeoutMs = 15_000): Promise<SseMessage> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = messages.find(match);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no such event (got ${JSON.stringify(messages.map((m) => m.event ?? `id ${m.id}`))})`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  /** The last id the stream gave (what EventSource would send back as Last-Event-ID). */
  const lastEventId = () => [...messages].reverse().find((m) => m.id !== undefined)?.id;
  /** The live events received (not the hello, position or reset). */
  const events = () =>
    messages.filter((m) => m.data !== undefined && m.event !== 'reset' && m.event !== 'token-expired');
  return {
    messages,
    events,
    waitFor,
    lastEventId,
    connected,
    status: () => status,
    ended: () => ended,
    close: () => controller.abort(),
  };
}
