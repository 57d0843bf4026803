import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import { DashboardSessions } from '../../infrastructure/auth/dashboard-session';
import { DEAD_LETTER_QUEUE, QUEUE_NAMES } from '../../infrastructure/jobs/queues';
import { PROBLEM_CONTENT_TYPE, problemType } from '../problem/problem-details';
import { DASHBOARD_COOKIE, DASHBOARD_PATH } from './dashboard-session.controller';

const QUEUES_PATH = `${DASHBOARD_PATH}/queues`;

/**
 * bull-board at /admin/queues, for admins only. A browser cannot send a bearer token to a page, so
 * the dashboard takes the short-lived cookie from POST /api/v1/admin/dashboard-session; /admin/login
 * is a small page that does that exchange with a pasted admin token.
 */
export function mountQueueDashboard(app: INestApplication): void {
  const sessions = app.get(DashboardSessions);
  const board = new ExpressAdapter();
  board.setBasePath(QUEUES_PATH);
  createBullBoard({
    queues: [...QUEUE_NAMES, DEAD_LETTER_QUEUE].map(
      (name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name), { strict: false })),
    ),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'FlexStorage queues' } },
  });
  app.use(`${DASHBOARD_PATH}/login`, loginPage);
  app.use(QUEUES_PATH, (req: Request, res: Response, next: NextFunction) => {
    if (sessions.verify(cookie(req, DASHBOARD_COOKIE))) {
      // SameSite=Strict still sends the cookie from a sibling subdomain, and the board takes plain form
      // POSTs (no preflight): a change must come from the dashboard's own origin.
      if (req.method === 'GET' || req.method === 'HEAD' || sameOrigin(req)) return next();
      return res
        .status(403)
        .type(PROBLEM_CONTENT_TYPE)
        .send(
          JSON.stringify({
            type: problemType('cross-origin-refused'),
            title: 'Forbidden',
            status: 403,
            detail: 'Dashboard changes are accepted from the dashboard itself only.',
            instance: req.originalUrl.split('?')[0],
          }),
        );
    }
    // A browser navigating here is sent to sign in; anything else (the board's API calls) gets a 401.
    if (req.method === 'GET' && (req.headers.accept ?? '').includes('text/html'))
      return res.redirect(302, `${DASHBOARD_PATH}/login`);
    res
      .status(401)
      .type(PROBLEM_CONTENT_TYPE)
      .send(
        JSON.stringify({
          type: problemType('dashboard-session-required'),
          title: 'Unauthorized',
          status: 401,
          detail: `Open a session with POST /api/v1/admin/dashboard-session (an admin token), or sign in at ${DASHBOARD_PATH}/login.`,
          instance: req.originalUrl.split('?')[0],
        }),
      );
  });
  app.use(QUEUES_PATH, board.getRouter());
}

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined; // malformed: no session
      }
    }
  }
  return undefined;
}

function sameOrigin(req: Request): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site) return site === 'same-origin';
  const origin = req.headers.origin;
  return typeof origin === 'string' && origin === `${req.protocol}://${req.headers.host}`;
}

function loginPage(req: Request, res: Response): void {
  if (req.method !== 'GET') {
    res.status(405).end();
    return;
  }
  const nonce = randomBytes(16).toString('base64');
  res.setHeader(
    'Content-Security-Policy',
    `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'`,
  );
  res.setHeader('Cache-Control', 'no-store');
  res.type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>FlexStorage — queue dashboard</title>
<style nonce="${nonce}">body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}textarea{width:100%;height:6rem}#error{color:#b00}</style></head>
<body><h1>Queue dashboard</h1>
<p>Paste an administrator's access token (from <code>POST /api/v1/auth/login</code>). It opens a 15-minute session; the token itself is not kept.</p>
<form id="login"><label for="token">Access token</label><textarea id="token" required autocomplete="off"></textarea>
<p><button type="submit">Open the dashboard</button></p></form><p id="error" role="alert"></p>
<script nonce="${nonce}">
document.getElementById('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = document.getElementById('token').value.trim();
  const res = await fetch('/api/v1/admin/dashboard-session', { method: 'POST', headers: { Authorization: 'Bearer ' + token } });
  if (res.status === 204) { location.href = '${QUEUES_PATH}'; return; }
  const problem = await res.json().catch(() => ({}));
  document.getElementById('error').textContent = problem.detail || ('Refused (' + res.status + ')');
});
</script></body></html>`);
}
