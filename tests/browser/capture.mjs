// Visits pages in the browser stack, saves a desktop and a mobile screenshot of each, and
// measures what the closing note reports: bytes transferred for the page (HTML + CSS)
// and the server's own time for the document (Navigation Timing: responseStart - requestStart).
import { DESKTOP, MOBILE } from './harness.mjs';

/** The worker stem a page URL needs (`http://<stem>.localhost:<port>/…`), or null for other hosts. */
export function stemOf(url) {
  const host = new URL(url).hostname;
  return host.endsWith('.localhost') ? host.slice(0, -'.localhost'.length) : null;
}

/**
 * Loads `entry` ({ name, url(origin), setup?, status? }) at one viewport in a fresh context.
 * `setup({ page, origin, platform, stack, viewport })` runs first (sign in, seed rows: it runs
 * once per viewport, so make its writes idempotent); its own traffic is not measured.
 */
async function visit(stack, entry, viewport, { dir, suffix }) {
  const page = await stack.newPage(viewport);
  try {
    if (entry.setup) await entry.setup({ page, origin: stack.origin, platform: stack.platform, stack, viewport });
    const responses = [];
    page.on('response', (r) => responses.push(r));
    const url = entry.url(stack.origin);
    const main = await page.goto(url, { waitUntil: 'load' });
    if (!main) throw new Error(`${entry.name}: ${url} gave no response`);

    const timing = await page.evaluate(() => {
      const [nav] = performance.getEntriesByType('navigation');
      return { server: nav.responseStart - nav.requestStart, transfer: nav.transferSize };
    });
    const bytes = { html: 0, css: 0, other: 0, raw: 0, requests: 0 };
    for (const r of responses) {
      const type = r.request().resourceType();
      const { responseBodySize, responseHeadersSize } = await r.request().sizes();
      const wire = responseBodySize + responseHeadersSize;
      bytes.requests++;
      if (type === 'document' || type === 'stylesheet') {
        bytes[type === 'document' ? 'html' : 'css'] += wire;
        // The wire is compressed when the server chose to (workerd gzips for Chromium); raw is
        // the decoded bodies, the page's weight before compression. A redirect has no body.
        if (r.status() < 300 || r.status() >= 400) bytes.raw += (await r.body()).length;
      } else {
        bytes.other += wire;
      }
    }
    const shot = await stack.screenshot(page, `${entry.name}${suffix}`, { dir });
    return { status: main.status(), url: page.url(), serverMs: timing.server, ...bytes, shot };
  } finally {
    await page.context().close();
  }
}

/**
 * capture(stack, pages, { dir, running }) → { results, skipped }
 * `running` is the set of worker stems in the stack; a page on a host that is not running is
 * skipped with the reason, so the list can name surfaces before they exist.
 */
export async function capture(stack, pages, { dir, running, why = () => 'not running' } = {}) {
  const results = [];
  const skipped = [];
  for (const entry of pages) {
    const stem = stemOf(entry.url(stack.origin));
    if (stem !== null && !running.has(stem)) {
      skipped.push({ name: entry.name, worker: stem, reason: why(stem) });
      continue;
    }
    const desktop = await visit(stack, entry, DESKTOP, { dir, suffix: '' });
    // The second visit (a warm isolate) is the fairer server time; sizes come from the first.
    const mobile = await visit(stack, entry, MOBILE, { dir, suffix: '-mobile' });
    const expected = entry.status ?? 200;
    results.push({
      name: entry.name, ...desktop, serverMsWarm: mobile.serverMs, shots: [desktop.shot, mobile.shot],
      ok: desktop.status === expected && mobile.status === expected, expected,
    });
  }
  return { results, skipped };
}

/** The results as a plain-text table. */
export function table(results) {
  const ms = (n) => n.toFixed(1);
  const rows = [
    ['page', 'status', 'html B', 'css B', 'html+css B', 'raw B', 'other B', 'server ms', 'warm ms'],
    ...results.map((r) => [
      r.name, r.ok ? String(r.status) : `${r.status} (want ${r.expected})`, String(r.html), String(r.css),
      String(r.html + r.css), String(r.raw), String(r.other), ms(r.serverMs), ms(r.serverMsWarm),
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}
