import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { describeInBrowser, launchChromium, PageServer, startPageServer } from '../support/browser';
import { api, download, uploadMultipart } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';
import { until } from '../support/until';

/** VP8 WebM, 6 s, 320×240, 114 KB. */
const CLIP = path.join(__dirname, '..', 'fixtures', 'clip.webm');
/** The page requires every cross-origin resource to consent (CORP): what the signed answers must carry. */
const ISOLATED = { 'cross-origin-embedder-policy': 'require-corp' };

/** What the page functions use of <video> and <img> (the test compiles without the DOM library). */
interface VideoElement {
  readyState: number;
  duration: number;
  currentTime: number;
  videoWidth: number;
  videoHeight: number;
  error: { code: number } | null;
  addEventListener(event: string, listener: () => void, options: { once: boolean }): void;
}
interface ImageElement {
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
  decode(): Promise<void>;
}
const HAVE_METADATA = 1;
const HAVE_FUTURE_DATA = 3;

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** A page on another site points <video> and <img> at signed URLs: no token, as browsers load media. */
describeInBrowser('Signed media URLs in <video> and <img> (real Chromium, another site)', () => {
  let t: TestApp;
  let pages: PageServer;
  let browser: Browser;
  let page: Page;
  let token: string;
  /** Status and Range of every request the page made to the media routes. */
  let mediaAnswers: { status: number; range?: string }[];

  beforeAll(async () => {
    pages = await startPageServer();
    t = await startTestApp();
    token = t.tokenFor('0196f000-0000-7000-8000-0000000de0a1');
    browser = await launchChromium();
  });
  beforeEach(async () => {
    page = await browser.newPage();
    mediaAnswers = [];
    page.on('response', async (res) => {
      if (!res.url().startsWith(`${t.baseUrl}/api/v1/media/`)) return;
      mediaAnswers.push({ status: res.status(), range: (await res.request().allHeaders()).range });
    });
  });
  afterEach(() => page?.close());
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await pages?.close();
  });

  async function upload(bytes: Buffer, filename: string, contentType: string) {
    const res = await uploadMultipart(t.baseUrl, bytes, bytes.length, { token, filename, contentType });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }
  async function signed(id: string, body: object = {}) {
    const res = await api(t.baseUrl, 'POST', `/api/v1/files/${id}/url`, token, body);
    expect(res.status).toBe(200);
    return res.body.url as string;
  }

  it('plays a video from its signed URL and seeks in it, the server answering ranges with 206', async () => {
    const url = await signed(await upload(await readFile(CLIP), 'clip.webm', 'video/webm'));
    const html = `<!doctype html><video id="v" muted preload="auto" src="${escapeAttribute(url)}"></video>`;
    await page.goto(pages.show('/video', html, ISOLATED));

    const played = await page.locator('#v').evaluate(
      async (video: VideoElement, ready) => {
        const next = (event: string) =>
          new Promise<void>((resolve, reject) => {
            video.addEventListener(event, () => resolve(), { once: true });
            video.addEventListener('error', () => reject(new Error(`media error ${video.error?.code}`)), {
              once: true,
            });
            setTimeout(() => reject(new Error(`no ${event} (readyState ${video.readyState})`)), 20_000);
          });
        if (video.error) throw new Error(`media error ${video.error.code}`);
        if (video.readyState < ready.metadata) await next('loadedmetadata');
        if (video.readyState < ready.futureData) await next('canplay');
        const duration = video.duration;
        const seeked = next('seeked');
        video.currentTime = 4;
        await seeked;
        return { duration, currentTime: video.currentTime, width: video.videoWidth, height: video.videoHeight };
      },
      { metadata: HAVE_METADATA, futureData: HAVE_FUTURE_DATA },
    );
    expect(played.duration).toBeCloseTo(6, 0);
    expect(played.currentTime).toBeCloseTo(4, 1);
    expect({ width: played.width, height: played.height }).toEqual({ width: 320, height: 240 });
    expect(mediaAnswers.length).toBeGreaterThan(0);
    for (const answer of mediaAnswers) expect(answer).toEqual({ status: 206, range: expect.stringMatching(/^bytes=/) });
  });

  it("shows an image's signed thumbnail and its signed content in <img>", async () => {
    const png = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#cc3366' } })
      .png()
      .toBuffer();
    const jpeg = await sharp(png).jpeg().toBuffer();
    const pngId = await upload(png, 'photo.png', 'image/png');
    const jpegId = await upload(jpeg, 'photo.jpg', 'image/jpeg');
    await until(
      async () => (await download(t.baseUrl, `/api/v1/files/${pngId}/thumbnail`, token)).status === 200,
      'the thumbnail',
      15_000,
    );
    const thumbnail = await signed(pngId, { thumbnail: 'thumb' });
    const content = await signed(jpegId);
    const html =
      `<!doctype html><img id="thumb" src="${escapeAttribute(thumbnail)}">` +
      `<img id="photo" src="${escapeAttribute(content)}">`;
    await page.goto(pages.show('/images', html, ISOLATED));
    const sizes = await Promise.all(
      ['thumb', 'photo'].map((id) =>
        page.locator(`#${id}`).evaluate(async (img: ImageElement, id) => {
          await img.decode().catch(() => undefined);
          return { id, complete: img.complete, width: img.naturalWidth, height: img.naturalHeight };
        }, id),
      ),
    );
    expect(sizes).toEqual([
      { id: 'thumb', complete: true, width: 256, height: 192 },
      { id: 'photo', complete: true, width: 640, height: 480 },
    ]);
    expect(mediaAnswers.map((a) => a.status)).toEqual([200, 200]);
  });
});
