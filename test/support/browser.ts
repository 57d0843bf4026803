import { existsSync } from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { Browser, chromium } from 'playwright-core';

/** Debian's Chromium, as `.ci/run` installs it; CHROMIUM_PATH points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const MISSING = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not found — apt-get install chromium`;

/**
 * `describe` for suites that need a real browser: skipped (with a warning) where Chromium is
 * missing, but on CI a missing browser is a broken machine, not a reason to skip: the suite fails.
 */
export function describeInBrowser(title: string, suite: () => void): void {
  if (MISSING && process.env.CI === 'true') throw new Error(`"${title}" needs Chromium: ${MISSING}`);
  if (MISSING) {
    console.warn(`${title}: browser specs skipped: ${MISSING}`);
    describe.skip(`${title} (skipped: ${MISSING})`, suite);
    return;
  }
  describe(title, suite);
}

/**
 * Where test pages are served: `localhost`, another origin and another site than the API's
 * 127.0.0.1, and still a secure context (so COEP and other secure-only headers apply).
 */
export const PAGE_HOST = 'localhost';

/** Headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

export interface PageServer {
  /** `http://localhost:<port>`: what the API must list in CORS_ORIGINS. */
  origin: string;
  /** Serves `html` at `path` from now on (with `headers`, e.g. COEP); returns its URL. */
  show(path: string, html: string, headers?: Record<string, string>): string;
  close(): Promise<void>;
}

/** A tiny web server for the pages a test loads, on its own port and host name (another origin and site). */
export async function startPageServer(): Promise<PageServer> {
  const pages = new Map<string, { html: string; headers: Record<string, string> }>();
  const server = http.createServer((req, res) => {
    const page = pages.get(new URL(req.url ?? '/', 'http://page').pathname);
    res.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8', ...page?.headers });
    res.end(page?.html ?? 'no such page');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://${PAGE_HOST}:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    show: (path, html, headers = {}) => {
      pages.set(path, { html, headers });
      return origin + path;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An empty HTML page, for scripts run with page.evaluate from the page's origin. */
export const BLANK_PAGE = '<!doctype html><meta charset="utf-8"><title>page</title>';
