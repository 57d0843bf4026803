import { createHash } from 'node:crypto';
import { BodyMeter } from './body-meter';

async function drain(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('BodyMeter', () => {
  it('passes the bytes through unchanged and reports their size and SHA-256', async () => {
    const meter = new BodyMeter({ maxBytes: 100 });
    const out = await drain(meter.pass([Buffer.from('hello '), new Uint8Array([119, 111, 114, 108, 100])]));
    expect(out.toString()).toBe('hello world');
    expect(meter.result()).toEqual({ size: 11, sha256: createHash('sha256').update('hello world').digest('hex') });
  });

  it('accepts a body of exactly maxBytes and refuses one byte more as too large', async () => {
    await expect(drain(new BodyMeter({ maxBytes: 4 }).pass([Buffer.from('four')]))).resolves.toHaveLength(4);
    await expect(drain(new BodyMeter({ maxBytes: 4 }).pass([Buffer.from('fo'), Buffer.from('ur!')]))).rejects.toThrow(
      expect.objectContaining({ code: 'ERR_TOO_LARGE' }),
    );
  });

  it('stops with the abort reason when the signal aborts mid-body', async () => {
    const controller = new AbortController();
    async function* body() {
      yield Buffer.from('a');
      controller.abort(new Error('client went away'));
      yield Buffer.from('b');
    }
    await expect(drain(new BodyMeter({ maxBytes: 10, signal: controller.signal }).pass(body()))).rejects.toThrow(
      'client went away',
    );
  });

  it('has no result before the body ended', () => {
    expect(() => new BodyMeter({ maxBytes: 1 }).result()).toThrow(/before the body ended/);
  });
});
