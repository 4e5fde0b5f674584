// scripts/screenshots: the local stack (every built worker, as scripts/dev runs it, in memory)
// served to headless Chromium; each page of tests/browser/pages.mjs saved at 1280 and 390 wide
// and measured (bytes of HTML + CSS, the server's time), printed as a table.
//   node tests/browser/screenshots.mjs [--no-corpus] [--pages <module>] [--out <dir>] [name ...]
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { ROOT } from '../harness/workers.mjs';
import { loadWorkers } from '../harness/platform.mjs';
import { applyTracked } from '../harness/migrate.mjs';
import { settled } from '../harness/expect.mjs';
import { createFakes, DEFAULT_CREDENTIALS } from '../fakes/index.mjs';
import { startBrowserStack, SCREENSHOT_DIR } from './harness.mjs';
import { capture, table } from './capture.mjs';

const usage = 'usage: scripts/screenshots [--no-build] [--no-corpus] [--pages <module>] [--out <dir>] [page name ...]';
const args = process.argv.slice(2);
const opts = { corpus: true, pages: join(ROOT, 'tests/browser/pages.mjs'), out: SCREENSHOT_DIR, names: [] };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const value = () => args[++i] ?? (console.error(`${a} needs a value\n${usage}`), process.exit(2));
  if (a === '--no-corpus') opts.corpus = false;
  else if (a === '--no-build') continue; // handled by scripts/screenshots
  else if (a === '--pages') opts.pages = resolve(value());
  else if (a === '--out') opts.out = resolve(value());
  else if (a === '-h' || a === '--help') { console.log(usage); process.exit(0); }
  else if (a.startsWith('-')) { console.error(`unknown option ${a}\n${usage}`); process.exit(2); }
  else opts.names.push(a);
}

const mod = await import(pathToFileURL(opts.pages).href);
let pages = mod.default;
if (!Array.isArray(pages)) throw new Error(`${opts.pages} must export a default array of pages`);
if (opts.names.length) {
  const unknown = opts.names.filter((n) => !pages.some((p) => p.name === n));
  if (unknown.length) { console.error(`no page named ${unknown.join(', ')} in ${opts.pages}`); process.exit(2); }
  pages = pages.filter((p) => opts.names.includes(p.name));
}

// Every worker with a wrangler file and a build; the rest are reasons to skip a page.
const { workers } = loadWorkers();
const built = workers.filter((w) => existsSync(w.main));
const running = new Set(built.map((w) => w.stem));
const why = (stem) =>
  workers.some((w) => w.stem === stem)
    ? `worker "${stem}" is not built (scripts/build --fast ${stem})`
    : `no worker "${stem}" yet (no wrangler/${stem}.toml)`;

// As scripts/dev: upstream fakes behind every outbound fetch, a fresh trigger token.
const fakes = createFakes({ size: 'small' });
const triggerToken = randomBytes(18).toString('base64url');
const own = Object.fromEntries(built.map((w) => [w.stem, { TRIGGER_TOKEN: triggerToken }]));
if (own['tga-sync']) Object.assign(own['tga-sync'], { TGA_USERNAME: DEFAULT_CREDENTIALS.username, TGA_PASSWORD: DEFAULT_CREDENTIALS.password });
const bindings = (origin) => {
  const extra = mod.bindings?.(origin) ?? {};
  const merged = { ...own };
  for (const [stem, vars] of Object.entries(extra)) merged[stem] = { ...merged[stem], ...vars };
  return merged;
};

const t0 = Date.now();
const outbound = mod.outbound ? mod.outbound(fakes.fetch) : fakes.fetch;
const stack = await startBrowserStack({ workers: built.map((w) => w.stem), outbound, bindings, now: process.env.NOW });
let failed = false;
try {
  const { platform } = stack;
  for (const d of platform.databases) {
    const files = await applyTracked(await platform.d1(d.name).db, join(ROOT, 'scripts/seed', d.name), 'd1_seeds');
    if (files.length) console.log(`seeded ${d.name}: ${files.join(', ')}`);
  }
  if (opts.corpus) {
    // The corpus as scripts/dev fills it: the syncs themselves against the small fake register.
    const ops = platform.d1('ops-db');
    for (const [stem, type] of [['tga-sync', 'tga_sync'], ['enrich-sync', 'enrich_sync'], ['cricos-sync', 'cricos_sync']]) {
      if (!running.has(stem)) continue;
      const start = Date.now();
      await platform.scheduled(stem);
      const run = await settled(ops, type);
      console.log(`corpus: ${stem} ${run.status} in ${((Date.now() - start) / 1000).toFixed(1)}s`);
    }
  }
  console.log(`stack up in ${((Date.now() - t0) / 1000).toFixed(1)}s on port ${stack.port}: ${[...running].join(', ')}`);

  const { results, skipped } = await capture(stack, pages, { dir: opts.out, running, why });
  if (results.length) {
    console.log(`\n${table(results)}`);
    console.log('\nhtml/css B: bytes on the wire (headers + body as sent, gzip when the server compressed it);');
    console.log('raw B: the HTML and CSS bodies decoded. other B: anything else the page loaded (scripts,');
    console.log('images, fonts). server ms: responseStart - requestStart of the document (Navigation');
    console.log('Timing), first visit; warm ms: the same page again (the mobile visit).');
    const out = opts.out.startsWith(`${ROOT}/`) ? relative(ROOT, opts.out) : opts.out;
    console.log(`\nScreenshots in ${out}/: ${results.map((r) => `${r.name}.png, ${r.name}-mobile.png`).join(', ')}`);
  } else {
    console.log('\nNo page to visit.');
  }
  if (skipped.length) {
    console.log(`\nSkipped ${skipped.length}:`);
    for (const s of skipped) console.log(`  ${s.name}: ${s.reason}`);
  }
  failed = results.some((r) => !r.ok);
  if (failed) console.error(`\nFailed: ${results.filter((r) => !r.ok).map((r) => `${r.name} answered ${r.status}, expected ${r.expected}`).join('; ')}`);
} finally {
  await stack.dispose();
}
process.exit(failed ? 1 : 0);
