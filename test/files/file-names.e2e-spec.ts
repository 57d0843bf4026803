import { dispositionName, NAMES_IN_SCRIPTS } from '../support/file-names';
import { api, download, uploadMultipart } from '../support/http-client';
import { TestApp } from '../support/test-app';
import { startFilesApp } from './files-app';

/** RFC 5987 / 8187 ext-value: UTF-8, every byte outside attr-char percent-encoded. */
const extValue = (name: string) =>
  `UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;

describe('Files API: file names in any script (multipart)', () => {
  let t: TestApp;
  let alice: string;

  beforeAll(async () => {
    ({ t, alice } = await startFilesApp());
  });
  afterAll(() => t?.close());

  async function uploadNamed(options: { filename?: string; fileParams?: string }, body = 'x') {
    const data = Buffer.from(`${body} ${Math.random()}`);
    return uploadMultipart(t.baseUrl, data, data.length, { token: alice, ...options });
  }

  async function expectStoredAs(id: string, name: string) {
    expect((await api(t.baseUrl, 'GET', `/api/v1/files/${id}`, alice)).body.name).toBe(name);
    const content = await download(t.baseUrl, `/api/v1/files/${id}/content`, alice);
    expect(dispositionName(content.headers['content-disposition'])).toBe(name);
    // The ASCII fallback for old clients, and the exact name in filename* for everyone else.
    if (!/^[\x20-\x7e]*$/.test(name)) expect(content.headers['content-disposition']).toContain(`filename*=UTF-8''`);
  }

  it('keeps a raw UTF-8 filename= in every script as sent, and serves it back in Content-Disposition', async () => {
    for (const name of NAMES_IN_SCRIPTS) {
      const up = await uploadNamed({ filename: name });
      expect({ name, status: up.status }).toEqual({ name, status: 201 });
      expect(up.body.name).toBe(name);
      await expectStoredAs(up.body.id, name);
    }
  });

  it('gives old clients an ASCII filename= and everyone else the exact name in filename*', async () => {
    const up = await uploadNamed({ filename: 'Café déjà vu.txt' });
    const content = await download(t.baseUrl, `/api/v1/files/${up.body.id}/content`, alice);
    expect(content.headers['content-disposition']).toBe(
      `attachment; filename="Cafe deja vu.txt"; filename*=UTF-8''Caf%C3%A9%20d%C3%A9j%C3%A0%20vu.txt`,
    );
  });

  it('stores a decomposed (NFD, as macOS gives it) name in NFC, so it matches the same name typed elsewhere', async () => {
    const nfd = 'Cafe\u0301 de\u0301ja\u0300 vu.txt';
    const up = await uploadNamed({ filename: nfd });
    expect(up.status).toBe(201);
    expect(up.body.name).toBe('Café déjà vu.txt'.normalize('NFC'));
    await expectStoredAs(up.body.id, nfd.normalize('NFC'));
    const found = await api(t.baseUrl, 'GET', `/api/v1/files?name=${encodeURIComponent('Café déjà')}`, alice);
    expect(found.body.items.map((f: { id: string }) => f.id)).toContain(up.body.id);
  });

  it("accepts RFC 5987 filename*=UTF-8''… alone", async () => {
    for (const name of ['写真 2026.jpg', "l'été (1).txt", 'Foto – Straße ☀.bin']) {
      const up = await uploadNamed({ fileParams: `filename*=${extValue(name)}` });
      expect({ name, status: up.status }).toEqual({ name, status: 201 });
      await expectStoredAs(up.body.id, name);
    }
  });

  it('prefers filename* over filename when both are sent, in either order', async () => {
    const name = 'Отчёт за май.pdf';
    const after = await uploadNamed({ fileParams: `filename="Otchet.pdf"; filename*=${extValue(name)}` });
    expect(after.status).toBe(201);
    await expectStoredAs(after.body.id, name);
    const before = await uploadNamed({ fileParams: `filename*=${extValue(name)}; filename="Otchet.pdf"` });
    expect(before.status).toBe(201);
    await expectStoredAs(before.body.id, name);
  });

  it('still refuses control characters, also percent-encoded in filename*', async () => {
    const raw = await uploadNamed({ filename: 'bell\u0007.txt' });
    expect(raw.status).toBe(400);
    const encoded = await uploadNamed({ fileParams: `filename*=UTF-8''bell%07.txt` });
    expect(encoded.status).toBe(400);
    expect(encoded.body.type).toMatch(/invalid-file-name$/);
  });
});
