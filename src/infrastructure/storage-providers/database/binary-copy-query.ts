import type { Connection, Submittable } from 'pg';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_LENGTH = SIGNATURE.length + 8;

/**
 * Runs `COPY (...) TO STDOUT (FORMAT binary)` on a pg client and collects the rows' fields as raw
 * bytes. node-postgres returns bytea as hex text, which costs more CPU to decode than everything
 * else on the read path together; binary COPY hands the bytes over as they are.
 * Fields are copied out of the protocol parser's buffer, which it reuses for later messages.
 */
export class BinaryCopyQuery implements Submittable {
  readonly rows: Promise<(Buffer | null)[][]>;
  private readonly collected: (Buffer | null)[][] = [];
  private pending: Buffer = Buffer.alloc(0);
  private headerRead = false;
  private trailerRead = false;
  private failure: Error | undefined;
  private settle!: { resolve: (rows: (Buffer | null)[][]) => void; reject: (e: Error) => void };

  /** `sql` is the whole COPY statement: COPY takes no bind parameters, so callers inline literals. */
  constructor(private readonly sql: string) {
    this.rows = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
  }

  submit(connection: Connection): void {
    connection.query(this.sql);
  }

  handleCopyData(message: { chunk: Buffer }): void {
    if (this.failure) return;
    try {
      this.pending = this.pending.length === 0 ? message.chunk : Buffer.concat([this.pending, message.chunk]);
      this.parse();
      // What is left is part of a row that continues in the next message: keep a copy of it.
      this.pending = this.pending.length === 0 ? this.pending : Buffer.from(this.pending);
    } catch (e) {
      this.failure = e as Error;
    }
  }

  handleCommandComplete(): void {
    if (!this.failure && (!this.trailerRead || this.pending.length > 0))
      this.failure = new Error('The COPY data ended mid-stream.');
  }

  handleReadyForQuery(): void {
    if (this.failure) this.settle.reject(this.failure);
    else this.settle.resolve(this.collected);
  }

  handleError(error: Error): void {
    this.settle.reject(error);
  }

  // Messages a COPY TO never gets; present because the client calls them on any active query.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}

  private parse(): void {
    let at = 0;
    const buf = this.pending;
    if (!this.headerRead) {
      if (buf.length < HEADER_LENGTH) return;
      if (!buf.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('Not binary COPY data.');
      const extension = buf.readUInt32BE(SIGNATURE.length + 4);
      if (buf.length < HEADER_LENGTH + extension) return;
      at = HEADER_LENGTH + extension;
      this.headerRead = true;
    }
    while (!this.trailerRead && at + 2 <= buf.length) {
      const fieldCount = buf.readInt16BE(at);
      if (fieldCount === -1) {
        this.trailerRead = true;
        at += 2;
        break;
      }
      const row: (Buffer | null)[] = [];
      let p = at + 2;
      for (let i = 0; i < fieldCount && p + 4 <= buf.length; i++) {
        const length = buf.readInt32BE(p);
        p += 4;
        if (length === -1) {
          row.push(null);
        } else if (p + length <= buf.length) {
          row.push(Buffer.from(buf.subarray(p, p + length)));
          p += length;
        } else {
          break;
        }
      }
      if (row.length < fieldCount) break;
      this.collected.push(row);
      at = p;
    }
    this.pending = buf.subarray(at);
  }
}
