// scripts/screenshots' measuring and saving (tests/browser/capture.mjs) against a fixture page
// with known bytes and a known server delay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBrowserStack } from './harness.mjs';
import { capture, stemOf, table } from './capture.mjs';

const script = readFileSync(new URL('./fixtures/page.js', import.meta.url), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'rtp-shots-'));
const running = new Set(['page']);
let stack;
const raw = {}; // the fixture's bodies, fetched straight from the worker

before(async () => {
  stack = await startBrowserStack({ extraWorkers: [{ name: 'page', script }] });
  for (const path of ['/', '/style.css']) {
    raw[path] = Buffer.byteLength(await (await stack.platform.fetch(`http://page.localhost${path}`)).text());
  }
});
after(async () => {
  await stack?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const pngWidth = (path) => {
  const png = readFileSync(path);
  assert.equal(png.subarray(1, 4).toString(), 'PNG', path);
  return png.readUInt32BE(16);
};

test('stemOf names the worker a page needs', () => {
  assert.equal(stemOf('http://workspace.localhost:4321/signin'), 'workspace');
  assert.equal(stemOf('http://internal-api.localhost:1/'), 'internal-api');
  assert.equal(stemOf('https://example.com/'), null);
});

test('a page is saved at 1280 and 390 wide and its HTML + CSS bytes and server time are measured', async () => {
  const { results, skipped } = await capture(stack, [{ name: 'measured', url: (o) => `${o('page')}/?delay=150` }], { dir, running });
  assert.deepEqual(skipped, []);
  const [r] = results;
  assert.equal(r.ok, true);
  assert.equal(r.status, 200);
  assert.deepEqual(r.shots, [join(dir, 'measured.png'), join(dir, 'measured-mobile.png')]);
  assert.equal(pngWidth(r.shots[0]), 1280);
  assert.equal(pngWidth(r.shots[1]), 390);
  // Two requests (document, stylesheet), nothing else; raw = the decoded bodies exactly.
  assert.equal(r.requests, 2);
  assert.equal(r.other, 0);
  assert.equal(r.raw, raw['/'] + raw['/style.css']);
  assert.ok(r.css > raw['/style.css'] && r.css < raw['/style.css'] + 400, `css ${r.css} B (headers + a short body)`);
  // The repeated paragraphs compress: the wire carries less than the raw page.
  assert.ok(r.html > 0 && r.html < raw['/'], `html ${r.html} B on the wire, ${raw['/']} B raw`);
  // The server waited 150 ms before its first byte, on both visits.
  assert.ok(r.serverMs >= 140 && r.serverMs < 5000, `server ${r.serverMs} ms`);
  assert.ok(r.serverMsWarm >= 140 && r.serverMsWarm < 5000, `warm ${r.serverMsWarm} ms`);
});

test('a redirect counts its hop, setup runs per viewport and is not measured', async () => {
  const calls = [];
  const entry = {
    name: 'redirected',
    url: (o) => `${o('page')}/redirect`,
    async setup({ page, origin, viewport }) {
      calls.push(viewport.width);
      await page.goto(`${origin('page')}/`); // traffic of its own, left out of the figures
    },
  };
  const [direct] = (await capture(stack, [{ name: 'direct', url: (o) => `${o('page')}/` }], { dir, running })).results;
  const [r] = (await capture(stack, [entry], { dir, running })).results;
  assert.deepEqual(calls, [1280, 390]);
  assert.equal(r.url, `${stack.origin('page')}/`);
  assert.equal(r.requests, 3, 'the 303, the page, its stylesheet');
  assert.equal(r.raw, direct.raw);
  assert.ok(r.html > direct.html, 'the hop adds its headers');
});

test('an unexpected status fails the page; an expected one passes', async () => {
  const { results } = await capture(stack, [
    { name: 'missing', url: (o) => `${o('page')}/nope` },
    { name: 'missing-expected', url: (o) => `${o('page')}/nope`, status: 404 },
  ], { dir, running });
  assert.deepEqual(results.map((r) => [r.name, r.status, r.ok]), [['missing', 404, false], ['missing-expected', 404, true]]);
  assert.match(table(results), /404 \(want 200\)/);
});

test('pages on workers that are not running are skipped with the reason', async () => {
  const { results, skipped } = await capture(stack, [
    { name: 'site-home', url: (o) => `${o('site')}/` },
    { name: 'here', url: (o) => `${o('page')}/` },
  ], { dir, running, why: (stem) => `no worker "${stem}" yet` });
  assert.deepEqual(results.map((r) => r.name), ['here']);
  assert.deepEqual(skipped, [{ name: 'site-home', worker: 'site', reason: 'no worker "site" yet' }]);
  const lines = table(results).split('\n');
  assert.match(lines[0], /^page\s+status\s+html B\s+css B\s+html\+css B\s+raw B\s+other B\s+server ms\s+warm ms$/);
  assert.match(lines[1], /^here\s+200\s+\d+/);
});
