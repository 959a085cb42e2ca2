/**
 * The status page's static files: index.html, page.js and page.css from `page/` next to this
 * module (copied to dist by `npm run build`), and uPlot's browser build from its npm package.
 * Served by the daemon itself, so the page works offline; no inline script (strict CSP).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

const PAGE_DIR = new URL('./page/', import.meta.url);
const resolve = createRequire(import.meta.url).resolve;

/** URL path → file and content type. */
const ASSETS: Record<string, { file: () => string; type: string }> = {
  '/': { file: () => fileURLToPath(new URL('index.html', PAGE_DIR)), type: 'text/html; charset=utf-8' },
  '/page.js': { file: () => fileURLToPath(new URL('page.js', PAGE_DIR)), type: 'text/javascript; charset=utf-8' },
  '/page.css': { file: () => fileURLToPath(new URL('page.css', PAGE_DIR)), type: 'text/css; charset=utf-8' },
  '/vendor/uPlot.iife.min.js': { file: () => resolve('uplot/dist/uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  '/vendor/uPlot.min.css': { file: () => resolve('uplot/dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

/** Headers every page response carries: nothing from elsewhere, no framing, no sniffing. */
export const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const;

const cache = new Map<string, Buffer>();

/** True when `pathname` is one of the page's files. */
export const isPageAsset = (pathname: string): boolean => pathname in ASSETS || pathname === '/index.html';

/** Answer a request for one of the page's files. */
export function servePageAsset(pathname: string, res: ServerResponse): void {
  const asset = ASSETS[pathname === '/index.html' ? '/' : pathname]!;
  let body = cache.get(pathname);
  try {
    body ??= readFileSync(asset.file());
  } catch (error) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(`status page file missing (${(error as Error).message}): reinstall lumensync or rerun npm run build\n`);
    return;
  }
  cache.set(pathname, body);
  res.writeHead(200, { 'content-type': asset.type, ...PAGE_HEADERS }).end(body);
}
