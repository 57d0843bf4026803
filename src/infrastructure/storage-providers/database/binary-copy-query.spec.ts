import type { Connection } from 'pg';
import { BinaryCopyQuery } from './binary-copy-query';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

function int16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}
function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}
function field(value: Buffer | null): Buffer {
  return value === null ? int32(-1) : Buffer.concat([int32(value.length), value]);
}

/** What `COPY (select seq, data ...) TO STDOUT (FORMAT binary)` sends for these rows. */
function copyStream(rows: [number, Buffer | null][], headerExtension = Buffer.alloc(0)): Buffer {
  return Buffer.concat([
    SIGNATURE,
    int32(0),
    int32(headerExtension.length),
    headerExtension,
    ...rows.map(([seq, data]) => Buffer.concat([int16(2), field(int32(seq)), field(data)])),
    int16(-1),
  ]);
}

function run(messages: Buffer[], finish = true): BinaryCopyQuery {
  const query = new BinaryCopyQuery('copy ...');
  query.submit({ query: () => undefined } as unknown as Connection);
  // The protocol parser reuses its buffer: hand over views that are overwritten once handled.
  for (const message of messages) {
    const view = Buffer.from(message);
    query.handleCopyData({ chunk: view });
    view.fill(0xee);
  }
  if (finish) {
    query.handleCommandComplete();
    query.handleReadyForQuery();
  }
  return query;
}

const ROWS: [number, Buffer | null][] = [
  [0, Buffer.from('first chunk')],
  [1, Buffer.alloc(0)],
  [2, null],
  [3, Buffer.from([0, 255, 1, 254])],
];

describe('BinaryCopyQuery', () => {
  it('returns every row and field as raw bytes', async () => {
    const rows = await run([copyStream(ROWS, Buffer.from('ext'))]).rows;
    expect(rows.map(([seq, data]) => [seq!.readInt32BE(0), data])).toEqual(ROWS);
  });

  it('returns the same rows however the stream is cut into messages', async () => {
    const stream = copyStream(ROWS);
    for (let cut = 1; cut < stream.length; cut++) {
      const rows = await run([stream.subarray(0, cut), stream.subarray(cut)]).rows;
      expect(rows.map(([seq, data]) => [seq!.readInt32BE(0), data])).toEqual(ROWS);
    }
    const bytewise = await run([...stream].map((b) => Buffer.from([b]))).rows;
    expect(bytewise).toHaveLength(ROWS.length);
  });

  it('fails on a stream that ends before its trailer', async () => {
    const stream = copyStream(ROWS);
    await expect(run([stream.subarray(0, stream.length - 5)]).rows).rejects.toThrow(/ended mid-stream/);
  });

  it('fails on data that is not binary COPY', async () => {
    await expect(run([Buffer.from('1\tabc\n'.repeat(10))]).rows).rejects.toThrow(/Not binary COPY/);
  });

  it('fails with the server error', async () => {
    const query = run([], false);
    query.handleError(new Error('relation "storage_chunks" does not exist'));
    await expect(query.rows).rejects.toThrow(/does not exist/);
  });
});
