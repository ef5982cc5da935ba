// The gateway's status page (`GET /`): static files from the package's web/ folder, a page and a small
// ES module that polls /admin/status and /admin/activity. Nothing comes from the network: the Content
// Security Policy allows this origin only, and no inline script or style.
import { webFiles } from '@klody/service';
import type { Env, Hono } from 'hono';

// Two levels above src/http/ when running on sources, one above dist/ when built.
const page = webFiles([new URL('../../web/', import.meta.url), new URL('../web/', import.meta.url)]);

const pageHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** The page's files, each at a fixed path (no path from the request reaches the disk). */
const files = [
  { path: '/', name: 'index.html', type: 'text/html; charset=utf-8' },
  { path: '/status-page.js', name: 'status-page.js', type: 'text/javascript; charset=utf-8' },
  { path: '/status-page.css', name: 'status-page.css', type: 'text/css; charset=utf-8' },
  { path: '/favicon.svg', name: 'favicon.svg', type: 'image/svg+xml' },
] as const;

export function addStatusPage<AppEnv extends Env>(app: Hono<AppEnv>): void {
  for (const file of files) {
    app.get(file.path, (c) =>
      c.body(page.read(file.name), 200, { ...pageHeaders, 'content-type': file.type }),
    );
  }
}
