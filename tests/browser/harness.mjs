// Browser harness: the Miniflare platform served on a real port, every worker on
// http://<stem>.localhost:<port>, driven by Debian's headless Chromium through playwright-core.
//
// Why plain http://<stem>.localhost works for the session cookie (tests/browser/cookie.test.mjs
// proves it on every run): Chromium resolves *.localhost to loopback itself and counts it as a
// secure context, so `__Host-rtp_session=…; Secure; HttpOnly; SameSite=Lax; Path=/` is stored
// and sent back over http, host-only, with no TLS and no
// --unsafely-treat-insecure-origin-as-secure. Unlike production (rtopacks.com.au and
// my.rtopacks.com.au are one site), each <stem>.localhost is its own site: a POST from one
// local host to another is `Sec-Fetch-Site: cross-site` and carries no Lax cookie.
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT } from '../harness/workers.mjs';
import { startPlatform } from '../harness/platform.mjs';

export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

// The machine's verified set. The closed network refuses Chromium's own background
// connections (updates, sync, QUIC probes, first-run pings) many at a time: turn them off so a
// run is quiet and never waits on them. No sandbox: the tests run as root. No GPU: headless
// software rendering, the same pixels on every machine. Playwright gives each launch a fresh
// temporary --user-data-dir itself (passing one in `args` is refused).
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const SCREENSHOT_DIR = join(ROOT, 'target/screenshots');
export const DESKTOP = { width: 1280, height: 800 };
export const MOBILE = { width: 390, height: 844 };

/** Launches headless Chromium, or fails saying how to install it. */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. Run scripts/setup (as root it installs Debian's chromium), ` +
        'or apt-get install chromium; CHROMIUM_BIN=<path> points at another build.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** A free TCP port on 127.0.0.1, known before the stack starts so bindings can name their origin. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * startBrowserStack({ workers, now, bindings, outbound, extraWorkers, log, screenshotDir }) → stack
 *
 * Starts the platform (tests/harness/platform.mjs) listening on 127.0.0.1 with every worker on
 * `<stem>.localhost`, and one Chromium for the whole test file.
 * - `workers`: wrangler stems (built with scripts/build); `extraWorkers`: plain Miniflare
 *   workers ({ name, script }) answering on `<name>.localhost`.
 * - `bindings`: per-worker vars and secrets, or a function `(origin) => bindings` for vars that
 *   name a surface's own URL (e.g. `ORIGIN: origin('workspace')`).
 *
 * The stack: { platform, port, origin(stem), browser, newPage({ width, height }),
 * screenshot(page, name, { dir }), dispose() }. Each newPage() is its own browser context
 * (its own cookie jar), so tests never share a session by accident.
 */
export async function startBrowserStack({
  workers = [], now, bindings, outbound, extraWorkers, log, screenshotDir = SCREENSHOT_DIR,
} = {}) {
  const port = await freePort();
  const origin = (stem) => `http://${stem}.localhost:${port}`;
  const browser = await launchBrowser();
  let platform;
  try {
    platform = await startPlatform({
      workers, now, outbound, log, extraWorkers, port,
      bindings: typeof bindings === 'function' ? bindings(origin) : bindings,
    });
  } catch (e) {
    await browser.close();
    throw e;
  }

  const contexts = new Set();
  let disposed = false;
  return {
    platform,
    port,
    origin,
    browser,
    /** A page in a fresh context (own cookies), 1280 wide unless asked otherwise. */
    async newPage({ width = DESKTOP.width, height = DESKTOP.height } = {}) {
      const context = await browser.newContext({ viewport: { width, height }, locale: 'en-AU' });
      contexts.add(context);
      context.on('close', () => contexts.delete(context));
      context.setDefaultTimeout(10_000);
      return context.newPage();
    },
    /** Full-page PNG at `<dir>/<name>.png` (default target/screenshots); returns the path. */
    async screenshot(page, name, { dir = screenshotDir } = {}) {
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await Promise.allSettled([...contexts].map((c) => c.close()));
      await browser.close();
      await platform.dispose();
    },
  };
}
