import { randomBytes } from 'node:crypto';
import { countFiles } from '../support/files-on-disk';
import { rowCounts } from '../support/row-counts';
import { TestApp } from '../support/test-app';
import { b64, expectProblem, parseMetadataHeader, startTusApp, TusClient, uploadMetadata } from './tus-raw-client';
import * as path from 'node:path';

/**
 * Upload-Metadata values are base64 and may decode to anything: text PostgreSQL's jsonb cannot hold
 * (a NUL) is refused with a 400 before a session, a staged byte or an event exists, under any key.
 */
describe('tus Upload-Metadata: hostile values (e2e, real PostgreSQL and Redis)', () => {
  let t: TestApp;
  let c: TusClient;
  let close: () => Promise<void>;
  beforeAll(async () => ({ t, c, close } = await startTusApp({}, 'bad0')));
  afterAll(() => close?.());

  const stagedFiles = () => countFiles(path.join(t.dataDir, 'uploads'));

  it.each([
    ['a known key (description)', { filename: 'a.txt', description: 'a\u0000b' }, 'description'],
    ['a known key (tags)', { filename: 'a.txt', tags: 'ok,b\u0000' }, 'tags'],
    ['an unknown key', { filename: 'a.txt', relativePath: 'dir/a\u0000.txt' }, 'relativePath'],
  ])('refuses a NUL under %s with 400 and keeps nothing', async (_what, metadata, key) => {
    const u = c.user();
    const rows = await rowCounts(t.db.url);
    const staged = await stagedFiles();
    for (const body of [undefined, randomBytes(100)]) {
      const res = await c.create(u.token, { length: 100, metadata: uploadMetadata(metadata), body });
      expectProblem(res, 400, 'invalid-upload-metadata');
      expect(res.json.detail).toContain(`"${key}"`);
    }
    expect(await rowCounts(t.db.url)).toEqual(rows);
    expect(await stagedFiles()).toBe(staged);
  });

  it('refuses control characters in a known single-line value (the name)', async () => {
    const u = c.user();
    const res = await c.create(u.token, { length: 10, metadata: uploadMetadata({ filename: 'a\u0085.txt' }) });
    expectProblem(res, 400, 'invalid-file-name');
    expect(await c.count('upload_sessions', u.id)).toBe(0);
  });

  it('refuses a value that is not UTF-8 (an encoded lone surrogate)', async () => {
    const u = c.user();
    const surrogate = Buffer.from([0xed, 0xa0, 0x80]).toString('base64');
    const res = await c.create(u.token, { length: 10, metadata: `filename ${b64('a')},note ${surrogate}` });
    expectProblem(res, 400, 'invalid-upload-metadata');
    expect(await c.count('upload_sessions', u.id)).toBe(0);
  });

  it('keeps keys named like Object.prototype members (__proto__, constructor) as the client sent them', async () => {
    const u = c.user();
    const metadata = `filename ${b64('a.txt')},__proto__ ${b64('p')},constructor ${b64('c')},hasOwnProperty`;
    const { url } = await c.created(u.token, { length: 10, metadata });
    const head = await c.head(u.token, url);
    expect(parseMetadataHeader(head.headers['upload-metadata'] as string)).toEqual(
      Object.fromEntries([
        ['filename', 'a.txt'],
        ['__proto__', 'p'],
        ['constructor', 'c'],
        ['hasOwnProperty', null],
      ]),
    );
  });

  it('keeps line breaks in a description and in unknown keys, and hands them back', async () => {
    const u = c.user();
    const metadata = { filename: 'notes.txt', description: 'one\ntwo', caption: 'tab\there\r\n' };
    const { url } = await c.created(u.token, { length: 10, metadata: uploadMetadata(metadata) });
    const head = await c.head(u.token, url);
    expect(parseMetadataHeader(head.headers['upload-metadata'] as string)).toEqual(metadata);
  });
});
