// rtopacks-admin under Miniflare, beside the workers it calls (internal-api, tga-sync,
// enrich-sync), over a corpus tga-sync itself wrote against the TGA fake. Every request
// carries a Cloudflare Access token minted against a JWKS the outbound fake serves
// (tests/harness/access.mjs) unless the test is about refusing it.
//
// Covered: the Access gate (no token, bad signature, wrong audience, expired, …: 403 plain
// page); 404/405 pages; CSRF refusals; a faulted sync (TGA answering 500) on the card, in the
// runs feed and in the drill-down with its error; OBS-ALIGN-01's trf02 and pending-row cases
// from seeded step rows, card and log agreeing; bad filters answered in plain words; the
// allowlist (add, validation, deactivate, and the sign-in rule it feeds); a client added with
// ISO timestamps from the clock; a person linked (L4 follows); per-user and per-session logs,
// paged; re-trigger; API/MCP keys through internal-api with the Access token forwarded;
// hostile names escaped on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './harness/workers.mjs';
import { startPlatform } from './harness/platform.mjs';
import { createFakes, DEFAULT_CREDENTIALS } from './fakes/index.mjs';
import { createAccess, HEADER } from './harness/access.mjs';
import { settled } from './harness/expect.mjs';
import { QUIET_SEC02 } from './harness/visitor.mjs';

const ADMIN = 'https://admin.rtopacks.com.au';
const TOKEN = 'test-trigger-token';
const SOAP = 'ws.training.gov.au';
const OPERATOR = 'tim@rtopacks.com.au';
const HOSTILE = '<script>alert("x")</script> & \' "><img src=x onerror=alert(1)>';

let platform, fakes, access, ops, engine, corpus, admin;

// A workspace worker, when it is built, shows the allowlist deciding a real link request.
const WORKSPACE = existsSync(join(ROOT, 'wrangler/workspace.toml')) && existsSync(join(ROOT, 'workers/workspace/build/index_bg.wasm'));

const iso = (d = platform.now()) => new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');

before(async () => {
  fakes = createFakes({ size: 'small', baseDate: '2026-11-21T16:00:00Z', now: () => platform?.now() ?? new Date('2026-11-21T16:00:00Z') });
  access = createAccess({ now: () => platform.now(), email: OPERATOR });
  const sec02 = QUIET_SEC02;
  platform = await startPlatform({
    workers: ['tga-sync', 'enrich-sync', 'internal-api', 'admin', ...(WORKSPACE ? ['workspace'] : [])],
    now: '2026-11-21T16:00:00Z',
    outbound: access.outbound(fakes.fetch),
    bindings: {
      // Small pages keep the faulted cycle short: every detail of a failing page is tried
      // three times (with backoff) before the page fails.
      'tga-sync': { TRIGGER_TOKEN: TOKEN, TGA_USERNAME: DEFAULT_CREDENTIALS.username, TGA_PASSWORD: DEFAULT_CREDENTIALS.password,
        TGA_PAGE_SIZE: '12', TGA_REFRESH_PER_CYCLE: '12' },
      'enrich-sync': { TRIGGER_TOKEN: TOKEN },
      // internal-api accepts its own application's tokens and the console's, which it forwards.
      'internal-api': { ...access.vars({ ACCESS_AUD: `aud-internal-api,${access.aud}` }), ANON_SALT: 'salt', ...sec02 },
      // The console also accepts an audience internal-api does not (a misconfiguration test).
      admin: { ...access.vars({ ACCESS_AUD: `${access.aud},aud-console-only` }), CSRF_SECRET: 'admin-csrf-secret-for-tests-0123456789', TRIGGER_TOKEN: TOKEN },
      ...(WORKSPACE ? { workspace: { CSRF_SECRET: 'workspace-csrf-secret-for-tests-0123456789', ANON_SALT: 'salt' } } : {}),
    },
  });
  ops = platform.d1('ops-db');
  engine = platform.d1('engine-db-oc');
  corpus = platform.d1('rtopacks-db');
  admin = await platform.mf.getWorker('rtopacks-admin');

  await platform.scheduled('tga-sync', { cron: '0 16 * * SAT' });
  assert.equal((await settled(ops, 'tga_sync')).status, 'complete');
});
after(() => platform?.dispose());

// ---------------------------------------------------------------------------------------
// Requests and reading pages.

/** A GET (or any method) to the console; `jwt: null` sends no token. */
async function send(path, { jwt = access.jwt(), headers = {}, ...init } = {}) {
  return admin.fetch(`${ADMIN}${path}`, {
    redirect: 'manual', ...init,
    headers: { ...(jwt ? { [HEADER]: jwt } : {}), 'CF-Connecting-IP': '203.0.113.50', ...headers },
  });
}

/** GET a page: { status, html, res }. */
async function get(path, opts) {
  const res = await send(path, opts);
  return { status: res.status, html: await res.text(), res };
}

/** The visible text of some markup, entities decoded, whitespace squashed. */
function text(html) {
  return html.replace(/<[^>]*>/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
}

/** The CSRF token of the form posting to `action` on `html`. */
function tokenFor(html, action) {
  const esc = action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/&/g, '&amp;');
  const m = html.match(new RegExp(`<form method="post" action="${esc}"[^>]*><input type="hidden" name="csrf" value="([^"]+)">`));
  assert.ok(m, `no form posting to ${action}`);
  return m[1];
}

/** POST a form as the browser would (same origin), its token read from the page at `from`. */
async function post(path, fields, { from, token, jwt, headers = {} } = {}) {
  if (token === undefined) token = tokenFor((await get(from ?? path, { jwt })).html, path);
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
  if (token !== null) body.append('csrf', token);
  const res = await send(path, {
    method: 'POST', jwt, body: body.toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ADMIN, 'Sec-Fetch-Site': 'same-origin', ...headers },
  });
  return { status: res.status, html: await res.text(), location: res.headers.get('location'), res };
}

/** The `<tr>` holding `needle` (plain text or markup), or null. */
function rowWith(html, needle) {
  return html.split(/<tr[ >]/).slice(1).find((r) => r.includes(needle)) ?? null;
}

/** A drill-down's full error text of `step` (the markup inside its element). */
function fullError(html, step) {
  const m = html.match(new RegExp(`<span id="error-${step}">([\\s\\S]*?)</span></dd>`));
  assert.ok(m, `no full error for ${step}`);
  return m[1];
}

/** The runs feed of the observatory page (not the cards or the event panels). */
const feedOf = (html) => html.slice(html.indexOf('id="results"'), html.indexOf('id="events-heading"'));

/** The observatory card of a sync type. */
function card(html, syncType) {
  const m = html.match(new RegExp(`<li><h3>${syncType}</h3>([\\s\\S]*?)</li>`));
  assert.ok(m, `no card for ${syncType}`);
  return m[1];
}

function assertPage(res, html, status = 200) {
  assert.equal(res.status, status, text(html).slice(0, 400));
  assert.match(res.headers.get('content-type'), /^text\/html/);
  assert.match(res.headers.get('content-security-policy'), /default-src 'none'/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  assert.equal((html.match(/<h1[ >]/g) ?? []).length, 1, 'one h1');
  assert.match(html, /<html lang="en-AU">/);
  assert.doesNotMatch(html, /<script/);
}

// ---------------------------------------------------------------------------------------

test('every request needs a valid Cloudflare Access token; a refused one gets a plain 403 page', async () => {
  const t = Math.floor(platform.now().getTime() / 1000);
  const bad = {
    'no token': null,
    'bad signature': access.jwt({}, { key: 'impostor' }),
    'unknown key id': access.jwt({}, { key: 'impostor', kid: 'other-1' }),
    'wrong audience': access.jwt({ aud: ['another-app'] }),
    'other team': access.jwt({ iss: 'https://evil.cloudflareaccess.com' }),
    expired: access.jwt({ exp: t - 3600 }),
    'not yet valid': access.jwt({ nbf: t + 3600 }),
    'alg none': `${Buffer.from('{"alg":"none","kid":"team-1"}').toString('base64url')}.${access.jwt().split('.')[1]}.`,
    junk: 'not.a.jwt',
  };
  for (const [why, jwt] of Object.entries(bad)) {
    for (const [path, method] of [['/', 'GET'], ['/access', 'POST'], ['/keys', 'GET'], ['/nowhere', 'GET']]) {
      const { status, html, res } = await get(path, { jwt, method, body: method === 'POST' ? 'kind=email&value=x%40y.z' : undefined });
      assert.equal(status, 403, `${why} ${method} ${path}`);
      assertPage(res, html, 403);
      assert.match(text(html), /Access refused/);
      assert.doesNotMatch(html, /<nav aria-label="Main">/, 'nothing of the console');
      assert.equal(res.headers.get('cache-control'), 'no-store');
    }
  }
  assert.equal((await ops.all("SELECT id FROM access_allowlist WHERE value = 'x@y.z'")).length, 0);
  // The stylesheet needs no token.
  const home = await get('/');
  assertPage(home.res, home.html);
  const css = home.html.match(/href="(\/assets\/app\.[0-9a-f]{10}\.css)"/)[1];
  const sheet = await send(css, { jwt: null });
  assert.equal(sheet.status, 200);
  assert.match(sheet.headers.get('content-type'), /text\/css/);
  assert.ok(access.certFetches >= 1 && access.certFetches <= 3, `JWKS fetched ${access.certFetches} times (cached per isolate)`);
  // The operator is named from the token.
  assert.match(home.html, new RegExp(`Signed in as <strong>${OPERATOR}</strong>`));
});

test('unknown paths are a 404 page, wrong methods a 405 naming what is allowed, HEAD has no body', async () => {
  for (const path of ['/nowhere', '/runs/', '/access/1/deactivate/extra', '/organisations/1/unknown']) {
    const { res, html } = await get(path);
    assertPage(res, html, 404);
    assert.match(text(html), /Page not found/);
  }
  for (const [path, method, allow] of [['/', 'POST', 'GET, HEAD'], ['/access/1/deactivate', 'GET', 'POST'],
    ['/keys', 'DELETE', 'GET, HEAD, POST'], ['/trigger/tga_sync', 'GET', 'POST']]) {
    const { res, html } = await get(path, { method });
    assertPage(res, html, 405);
    assert.equal(res.headers.get('allow'), allow, `${method} ${path}`);
  }
  const head = await send('/', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
});

test('CSRF: a POST without a token, with another action\'s or operator\'s token, or from another site is refused', async () => {
  const page = (await get('/access')).html;
  const good = tokenFor(page, '/access');
  const other = tokenFor(page, '/access');
  const deactivateToken = (await get('/access')).html; // (no entries yet: no deactivate forms)
  assert.ok(deactivateToken);
  const fields = { kind: 'email', value: 'csrf@example.edu.au', label: 'x' };
  const cases = {
    'no token': { token: null },
    'junk token': { token: 'abc' },
    'another operator': { token: good, jwt: access.jwt({ sub: 'someone-else', email: 'eve@rtopacks.com.au' }) },
    'another action': { token: tokenFor((await get('/keys')).html, '/keys') },
    'cross-site': { token: other, headers: { 'Sec-Fetch-Site': 'cross-site' } },
    // (Miniflare itself drops a foreign Origin header before the worker sees it.)
    'same-site, not same-origin': { token: other, headers: { 'Sec-Fetch-Site': 'same-site' } },
  };
  for (const [why, opts] of Object.entries(cases)) {
    const r = await post('/access', fields, opts);
    assert.equal(r.status, 403, why);
    assert.match(text(r.html), /Form not accepted/);
    assert.match(text(r.html), /(security check|could not be verified|another site)/, why);
  }
  assert.equal((await ops.all("SELECT id FROM access_allowlist WHERE value = 'csrf@example.edu.au'")).length, 0, 'nothing written');
  // The same operator with a renewed Access token (same sub) keeps a form open.
  const renewed = await post('/access', fields, { token: good, jwt: access.jwt({ iat: 1 }) });
  assert.equal(renewed.status, 303);
});

test('a faulted sync (TGA answering 500) shows failed on its card, in the runs feed and in the drill-down with its error', async () => {
  platform.setClock('2026-11-28T16:00:00Z');
  fakes.setVersion(2);
  fakes.inject({ host: SOAP, op: 'GetDetails', kind: 'http500' });
  const previous = (await ops.first("SELECT run_id FROM sync_runs WHERE sync_type = 'tga_sync' ORDER BY created_at DESC LIMIT 1")).run_id;
  await platform.scheduled('tga-sync', { cron: '0 16 * * SAT' });
  const run = await settled(ops, 'tga_sync', previous);
  fakes.clear();
  const failed = await ops.first("SELECT step, error FROM tga_sync_steps WHERE run_id = ?1 AND step = 'sync_training'", run.run_id);
  assert.match(failed.error, /HTTP 500/);

  const { html, res } = await get('/');
  assertPage(res, html);
  const c = card(html, 'tga_sync');
  assert.match(c, /badge-(partial|failed)/, c);
  assert.match(text(c), /HTTP 500/);
  assert.ok(c.includes(`href="/runs/${run.run_id}"`), 'the card links its run');

  const row = rowWith(html, `>${run.run_id}</a>`);
  assert.ok(row, 'the run is in the feed');
  assert.match(row, /badge-(partial|failed)/);
  assert.match(text(row), /HTTP 500/);
  assert.equal(/badge-(\w+)/.exec(row)[1], /badge-(\w+)/.exec(c)[1], 'card and log agree');

  const detail = await get(`/runs/${encodeURIComponent(run.run_id)}`);
  assertPage(detail.res, detail.html);
  const step = rowWith(detail.html, '<code>sync_training</code>');
  assert.ok(step);
  assert.match(step, /badge badge-failed">failed</);
  assert.ok(step.includes('href="#error-sync_training"'), 'the row links its error');
  assert.equal(text(fullError(detail.html, 'sync_training')), failed.error, 'the error in full');
  assert.match(text(step), /workflow/);
  assert.match(text(rowWith(detail.html, '<code>volume_check_orgs</code>')), /baseline/);
  assert.match(text(rowWith(detail.html, '<code>init</code>')), /complete/);
});

test('re-trigger: the button POSTs /trigger to the sync worker and shows its answer; a new run starts', async () => {
  platform.setClock('2026-11-28T18:00:00Z');
  const previous = (await ops.first("SELECT run_id FROM sync_runs WHERE sync_type = 'tga_sync' ORDER BY created_at DESC LIMIT 1")).run_id;
  const r = await post('/trigger/tga_sync', {}, { from: '/' });
  assert.equal(r.status, 200, text(r.html));
  assert.match(text(r.html), /tga-sync accepted the trigger/);
  const runId = text(r.html).match(/Run (tga-sync-\S+)/)[1];
  assert.ok(r.html.includes(`href="/runs/${runId}"`));
  const run = await settled(ops, 'tga_sync', previous);
  assert.equal(run.run_id, runId);
  assert.equal(run.status, 'complete');
  assert.equal((await ops.first('SELECT triggered_by FROM sync_runs WHERE run_id = ?1', runId)).triggered_by, 'manual');

  // Unknown syncs are a 404; the enrich-sync button reaches its own worker.
  assert.equal((await post('/trigger/teqsa_sync', {}, { token: tokenFor((await get('/')).html, '/trigger/tga_sync') })).status, 403, 'a token is per action');
  const home = (await get('/')).html;
  assert.ok(home.includes('action="/trigger/enrich_sync"') && home.includes('action="/trigger/cricos_sync"'));
  const enrich = await post('/trigger/enrich_sync', {}, { from: '/' });
  assert.equal(enrich.status, 200, text(enrich.html));
  assert.match(text(enrich.html), /enrich-sync accepted the trigger/);
  await settled(ops, 'enrich_sync');
  // cricos-sync is not running in this stack: the console says the worker refused.
  const cricos = await post('/trigger/cricos_sync', {}, { from: '/' });
  assert.equal(cricos.status, 502);
  assert.match(text(cricos.html), /cricos-sync refused the trigger \(HTTP 503\)/);
});

/** Seeds a run as the chain writes it: the run row, then step rows in write order. */
async function seedRun(runId, createdAt, steps) {
  await ops.run("INSERT INTO sync_runs (run_id, sync_type, triggered_by, status, created_at) VALUES (?1, 'tga_sync', 'cron', 'running', ?2)", runId, createdAt);
  for (const s of steps) {
    await ops.run(`INSERT INTO tga_sync_steps (run_id, sync_type, step, status, triggered_by, records_in, records_out, error, started_at, completed_at, created_at)
      VALUES (?1, 'tga_sync', ?2, ?3, 'cron', ?4, ?5, ?6, ?7, ?8, ?9)
      ON CONFLICT (run_id, sync_type, step) DO UPDATE SET status = excluded.status, error = excluded.error,
        started_at = COALESCE(excluded.started_at, started_at), completed_at = excluded.completed_at,
        records_in = excluded.records_in, records_out = excluded.records_out`,
    runId, s.step, s.status, s.in ?? null, s.out ?? null, s.error ?? null, s.started ?? null, s.completed ?? null, s.created ?? createdAt);
  }
}

test('OBS-ALIGN-01, trf02: a volume check completing after sync_orgs started does not make card or log say complete', async () => {
  platform.setClock('2026-12-10T10:05:00Z');
  const run = 'tga-sync-2026-12-10T10:00:00Z';
  await seedRun(run, '2026-12-10T10:00:00Z', [
    { step: 'init', status: 'complete', started: '2026-12-10T10:00:00Z', completed: '2026-12-10T10:00:00Z' },
    { step: 'sync_orgs', status: 'running', started: '2026-12-10T10:01:00Z', created: '2026-12-10T10:01:00Z' },
    { step: 'volume_check_orgs', status: 'complete', out: 12500, started: '2026-12-10T10:01:01Z', completed: '2026-12-10T10:01:01Z', created: '2026-12-10T10:01:01Z' },
  ]);
  // The guide's two old queries disagreed on exactly these rows.
  const oldCard = await ops.first("SELECT status FROM tga_sync_steps WHERE run_id = ?1 AND step != 'init' AND step NOT LIKE 'volume_check_%' ORDER BY id DESC LIMIT 1", run);
  const oldLog = await ops.first("SELECT status FROM tga_sync_steps WHERE run_id = ?1 AND step != 'init' ORDER BY id DESC LIMIT 1", run);
  assert.deepEqual([oldCard.status, oldLog.status], ['running', 'complete']);

  const { html } = await get('/');
  const c = card(html, 'tga_sync');
  assert.match(c, /badge badge-running">running</);
  assert.match(c, /Last step: <code>sync_orgs<\/code>/);
  const row = rowWith(html, `>${run}</a>`);
  assert.match(row, /badge badge-running">running</);
  assert.match(row, /<code>sync_orgs<\/code>/);
  // The feed's status filter reads the same rule.
  const running = await get('/?status=running');
  assert.ok(rowWith(running.html, `>${run}</a>`));
  assert.equal(rowWith((await get('/?status=complete')).html, `>${run}</a>`), null);

  // Thirty silent minutes later the same run is stale, on both.
  platform.setClock('2026-12-10T10:45:00Z');
  const later = (await get('/')).html;
  assert.match(card(later, 'tga_sync'), /badge badge-stale">stale</);
  assert.match(text(card(later, 'tga_sync')), /Stale: nothing has been written/);
  assert.match(rowWith(later, `>${run}</a>`), /badge badge-stale">stale</);
});

test('OBS-ALIGN-01, pending rows: a failed step behind init\'s pending seeds is failed on card, log and drill-down', async () => {
  platform.setClock('2026-12-10T11:05:00Z');
  const run = 'tga-sync-2026-12-10T11:00:00Z';
  const planned = ['volume_check_orgs', 'volume_check_training', 'sweep_statuses', 'sync_training', 'sync_orgs', 'training_refresh',
    'write_log', 'flag_restricted', 'sync_qual_statuses', 'refresh_stats', 'write_snapshot'];
  const error = 'GetDetails 45329: HTTP 500 after 3 attempts — <b>upstream</b> & "quoted"';
  await seedRun(run, '2026-12-10T11:00:00Z', [
    ...planned.map((step) => ({ step, status: 'pending' })),
    { step: 'init', status: 'complete', out: planned.length, started: '2026-12-10T11:00:00Z', completed: '2026-12-10T11:00:00Z' },
    ...['volume_check_orgs', 'volume_check_training', 'sweep_statuses', 'sync_training'].map((step, i) => (
      { step, status: 'complete', in: 10 * i, out: 5 * i, started: `2026-12-10T11:0${i}:00Z`, completed: `2026-12-10T11:0${i}:30Z` })),
    { step: 'sync_orgs', status: 'failed', in: 200, out: 0, error, started: '2026-12-10T11:03:00Z', completed: '2026-12-10T11:04:00Z' },
  ]);
  const newest = await ops.first("SELECT status FROM tga_sync_steps WHERE run_id = ?1 AND step != 'init' AND step NOT LIKE 'volume_check_%' ORDER BY id DESC LIMIT 1", run);
  assert.equal(newest.status, 'pending', 'the newest row by id is a pending seed');

  const { html } = await get('/');
  const c = card(html, 'tga_sync');
  assert.match(c, /badge badge-failed">failed</);
  assert.match(c, /Last step: <code>sync_orgs<\/code>/);
  assert.ok(text(c).includes(error), 'the error on the card');
  const row = rowWith(html, `>${run}</a>`);
  assert.match(row, /badge badge-failed">failed</);
  assert.ok(text(row).includes(error));
  assert.ok(rowWith((await get('/?status=failed&worker=tga-sync')).html, `>${run}</a>`), 'the failed filter finds it');

  const detail = await get(`/runs/${run}`);
  assert.match(detail.html, /<dt>Status<\/dt><dd><span class="badge badge-failed">failed<\/span><\/dd>/);
  const step = rowWith(detail.html, '<code>sync_orgs</code>');
  assert.match(step, /badge badge-failed">failed</);
  const full = fullError(detail.html, 'sync_orgs');
  assert.equal(text(full), error, 'the error in full');
  assert.ok(!full.includes('<b>upstream</b>') && full.includes('&lt;b&gt;upstream&lt;/b&gt;'), 'escaped');
  assert.match(text(step), /200 0 .*1 min 00 s/);
  assert.equal((detail.html.match(/badge badge-pending">pending</g) ?? []).length, 6, 'the untouched seeds stay pending');
});

test('filters with bad input are answered in plain words (400), never a 500', async () => {
  const cases = [
    ['/?from=2026-02-30', /The from date must be a calendar date written YYYY-MM-DD/],
    ['/?from=yesterday', /YYYY-MM-DD/],
    ['/?from=2026-12-02&to=2026-12-01', /The from date is after the to date/],
    ['/?status=done', /The status must be one of running, complete, partial, failed or stale/],
    ['/?worker=tga%20sync%3B%20drop', /The worker must be a sync name/],
    ['/?cursor=garbage', /The page link is not valid/],
    [`/?run=${'x'.repeat(150)}`, /at most 100 characters/],
    ['/events?cursor=zz', /The page link is not valid/],
    ['/events?type=Not%20A%20Type', /The event type must be a name/],
    ['/events?from=2026-13-01', /YYYY-MM-DD/],
    ['/sentinel?cursor=00', /The page link is not valid/],
    ['/users?page=abc', /whole number/],
  ];
  for (const [path, pattern] of cases) {
    const { res, html } = await get(path);
    assertPage(res, html, 400);
    assert.match(text(html), pattern, path);
    assert.match(html, /There is a problem/, path);
  }
  // A cursor of one feed is refused by another.
  const runs = await get('/?worker=tga_sync');
  const next = runs.html.match(/href="\/\?worker=tga_sync&amp;cursor=([0-9a-f]+)"/);
  if (next) assert.equal((await get(`/events?cursor=${next[1]}`)).status, 400);
  // Good filters narrow the feed: a run-id prefix, a date range.
  const prefixed = await get('/?run=tga-sync-2026-12-10T1');
  assert.equal(prefixed.status, 200);
  const ids = [...feedOf(prefixed.html).matchAll(/<td><a href="\/runs\/([^"]+)"/g)].map((m) => m[1]);
  assert.ok(ids.length >= 2 && ids.every((id) => id.startsWith('tga-sync-2026-12-10T1')), ids.join());
  const ranged = await get('/?from=2026-11-28&to=2026-11-28');
  const rangedIds = [...new Set([...feedOf(ranged.html).matchAll(/<td><a href="\/runs\/([^"]+)"/g)].map((m) => m[1]))];
  assert.ok(rangedIds.length >= 2 && rangedIds.every((id) => id.includes('2026-11-28')), rangedIds.join());
});

test('runs older than 7 days are dimmed in the feed; the drill-down says so', async () => {
  platform.setClock('2026-12-10T11:10:00Z');
  const { html } = await get('/');
  const first = (await ops.first("SELECT run_id FROM sync_runs WHERE created_at < '2026-11-22T00:00:00Z' ORDER BY created_at LIMIT 1")).run_id;
  const old = html.split('<tr').find((r) => r.includes(`>${first}</a>`));
  assert.match(old, /^ class="dim"/, 'an old run is dimmed');
  const fresh = html.split('<tr').find((r) => r.includes('>tga-sync-2026-12-10T11:00:00Z</a>'));
  assert.doesNotMatch(fresh, /^ class="dim"/);
  assert.match(text((await get(`/runs/${first}`)).html), /started more than 7 days ago/);
  assert.equal((await get('/runs/no-such-run')).status, 404);
});

test('the allowlist: validated add, hostile labels escaped, deactivate; the sign-in rule follows', async () => {
  const bad = [
    [{ kind: 'email', value: '' }, 'value', /Enter the email address or domain to allow/],
    [{ kind: 'email', value: 'not an address' }, 'value', /email address/],
    [{ kind: 'domain', value: 'gmail.com' }, 'value', /public mailbox provider/],
    [{ kind: 'domain', value: 'https://x' }, 'value', /Enter a domain like example.edu.au/],
    [{ kind: 'phone', value: 'a@b.co' }, 'kind', /Choose Email or Domain/],
    [{ kind: 'email', value: 'a@b.co', label: 'x'.repeat(201) }, 'label', /200 characters or fewer/],
  ];
  for (const [fields, field, pattern] of bad) {
    const r = await post('/access', fields);
    assert.equal(r.status, 400, JSON.stringify(fields));
    assert.match(text(r.html), pattern);
    assert.ok(r.html.includes(`href="#${field}"`), 'the summary links the field');
    assert.ok(r.html.includes(`id="${field}-error"`));
  }
  assert.equal((await ops.first("SELECT count(*) AS n FROM access_allowlist WHERE created_by = ?1 AND value <> 'csrf@example.edu.au'", OPERATOR)).n, 0);

  const added = await post('/access', { kind: 'email', value: ' Kim@Alpha.EDU.au ', label: HOSTILE });
  assert.equal(added.status, 303);
  assert.equal(added.location, '/access?done=added');
  const row = await ops.first("SELECT id, kind, value, label, active, created_at, created_by FROM access_allowlist WHERE value = 'kim@alpha.edu.au'");
  assert.deepEqual({ ...row, id: undefined }, { id: undefined, kind: 'email', value: 'kim@alpha.edu.au', label: HOSTILE, active: 1, created_at: iso(), created_by: OPERATOR });
  assert.equal((await post('/access', { kind: 'domain', value: '@Beta.edu.au' })).status, 303);

  const list = await get('/access?done=added');
  assertPage(list.res, list.html);
  assert.match(text(list.html), /Saved: that address or domain may now request sign-in links/);
  assert.ok(!list.html.includes(HOSTILE) && !list.html.includes('<img src=x'), 'the label is escaped');
  assert.ok(text(list.html).includes(HOSTILE));
  const entry = rowWith(list.html, '>kim@alpha.edu.au<');
  assert.match(entry, /badge-other">active</);
  // ?done only ever shows fixed texts.
  assert.doesNotMatch((await get('/access?done=%3Cscript%3E')).html, /class="notice/);

  if (WORKSPACE) await assertLinkIssued('kim@alpha.edu.au', true);

  const action = `/access/${row.id}/deactivate`;
  const off = await post(action, {}, { from: '/access' });
  assert.equal(off.status, 303);
  assert.equal(off.location, '/access?done=deactivated');
  const after = await ops.first('SELECT active, deactivated_at FROM access_allowlist WHERE id = ?1', row.id);
  assert.deepEqual(after, { active: 0, deactivated_at: iso() });
  const listed = await get('/access');
  assert.match(rowWith(listed.html, '>kim@alpha.edu.au<'), /badge-other">inactive</);
  assert.ok(!listed.html.includes(`action="${action}"`), 'no deactivate button on an inactive entry');
  // Again (a replayed token): nothing changes, and the page says so.
  const again = await post(action, {}, { token: tokenFor(list.html, action) });
  assert.equal(again.location, '/access?done=unchanged');
  assert.equal((await post('/access/abc/deactivate', {}, { token: tokenFor(list.html, action) })).status, 403, 'tokens are per action');

  if (WORKSPACE) {
    await assertLinkIssued('kim@alpha.edu.au', false);
  } else {
    // Without the workspace worker here, the rule it applies (store::signin::is_allowed):
    // an active entry for the address or its domain.
    const allowed = async (email) => (await ops.first(
      "SELECT count(*) AS n FROM access_allowlist WHERE active = 1 AND ((kind = 'email' AND value = ?1) OR (kind = 'domain' AND value = ?2))",
      email, email.split('@')[1])).n > 0;
    assert.equal(await allowed('kim@alpha.edu.au'), false, 'deactivated: no new links');
    assert.equal(await allowed('lee@beta.edu.au'), true, 'the domain entry still lets its people in');
  }
});

/** The workspace's link request for `email`: a magic_link_tokens row only when allowed. */
async function assertLinkIssued(email, expected) {
  const ws = await platform.mf.getWorker('rtopacks-workspace');
  const origin = 'https://my.rtopacks.com.au';
  const form = await ws.fetch(`${origin}/auth`, { headers: { 'CF-Connecting-IP': '198.51.100.9' } });
  const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0];
  const token = (await form.text()).match(/name="csrf" value="([^"]+)"/)[1];
  const before = (await engine.first('SELECT count(*) AS n FROM magic_link_tokens WHERE email = ?1', email)).n;
  const res = await ws.fetch(`${origin}/auth`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie, Origin: origin, 'CF-Connecting-IP': '198.51.100.9' },
    body: new URLSearchParams({ email, csrf: token }).toString(),
  });
  assert.ok(res.status < 500, `workspace answered ${res.status}`);
  await res.arrayBuffer();
  const now = (await engine.first('SELECT count(*) AS n FROM magic_link_tokens WHERE email = ?1', email)).n;
  assert.equal(now - before, expected ? 1 : 0, `link for ${email} ${expected ? 'issued' : 'refused'}`);
}

test('organisations: RTO search through internal-api, the client card, add as client with ISO timestamps', async () => {
  platform.setClock('2026-12-11T09:30:00Z');
  const rto = await corpus.first("SELECT code, legal_name FROM tga_organisations WHERE deleted_at IS NULL AND status = 'Current' ORDER BY code LIMIT 1");
  const word = rto.legal_name.split(/\s+/).find((w) => w.length > 3);
  const search = await get(`/organisations?q=${encodeURIComponent(word)}`);
  assertPage(search.res, search.html);
  assert.ok(search.html.includes(`href="/organisations/${rto.code}"`), `${word} finds ${rto.code}`);
  const byCode = await get(`/organisations?q=${rto.code}`);
  assert.ok(rowWith(byCode.html, `href="/organisations/${rto.code}"`));
  const badSearch = await get(`/organisations?q=${'a'.repeat(300)}`);
  assert.equal(badSearch.status, 400);
  assert.match(text(badSearch.html), /There is a problem/);

  const cardPage = await get(`/organisations/${rto.code}`);
  assertPage(cardPage.res, cardPage.html);
  assert.match(text(cardPage.html), /Not a client: no rto_clients row/);
  assert.ok(text(cardPage.html).includes(rto.legal_name));
  assert.match(text(cardPage.html), /No workspace organisation holds this RTO code yet/);

  for (const [plan, pattern] of [['', /Enter the plan/], ['<b>gold</b>', /up to 40 letters/]]) {
    const r = await post(`/organisations/${rto.code}/client`, { plan }, { from: `/organisations/${rto.code}` });
    assert.equal(r.status, 400);
    assert.match(text(r.html), pattern);
  }
  assert.equal(await ops.first('SELECT * FROM rto_clients WHERE rto_code = ?1', rto.code), null);
  const added = await post(`/organisations/${rto.code}/client`, { plan: 'Essential' }, { from: `/organisations/${rto.code}` });
  assert.equal(added.status, 303);
  assert.equal(added.location, `/organisations/${rto.code}?done=client`);
  const client = await ops.first('SELECT * FROM rto_clients WHERE rto_code = ?1', rto.code);
  const now = iso();
  assert.deepEqual(client, { rto_code: rto.code, is_client: 1, client_since: now, client_status: 'active', plan: 'essential', is_test: 0, created_at: now, updated_at: now });
  for (const t of [client.client_since, client.created_at, client.updated_at]) assert.match(t, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const shown = await get(`/organisations/${rto.code}?done=client`);
  assert.match(text(shown.html), /Saved: the RTO is an active client/);
  assert.match(shown.html, /<dt>Status<\/dt><dd><span class="badge badge-other">active<\/span>/);
  assert.ok(rowWith((await get('/organisations')).html, `href="/organisations/${rto.code}"`), 'listed among clients');

  // A code no register, client or org knows; a code that is not one.
  assert.equal((await get('/organisations/99999998')).status, 404);
  assert.match(text((await get('/organisations/not-a-code')).html), /RTO codes are 1 to 8 digits/);
  const ghost = await post('/organisations/99999998/client', { plan: 'essential' }, { token: tokenFor(cardPage.html, `/organisations/${rto.code}/client`) });
  assert.equal(ghost.status, 403, 'a token is per RTO');
});

test('organisations: link a person by address (org created from the register name), L4 follows; hostile names escaped', async () => {
  const code = (await ops.first("SELECT rto_code FROM rto_clients WHERE client_status = 'active' LIMIT 1")).rto_code;
  const path = `/organisations/${code}`;
  for (const [fields, pattern] of [[{ email: 'nope', role: 'member' }, /email address/], [{ email: 'a@b.co', role: 'boss' }, /Choose Owner, Admin or Member/]]) {
    const r = await post(`${path}/people`, fields, { from: path });
    assert.equal(r.status, 400);
    assert.match(text(r.html), pattern);
  }
  const linked = await post(`${path}/people`, { email: 'Pat@Client.edu.au', role: 'owner' }, { from: path });
  assert.equal(linked.status, 303);
  assert.equal(linked.location, `${path}?done=linked_not_allowed`, 'not on the allowlist: the notice says so');
  const org = await engine.first('SELECT id, name, created_at FROM orgs WHERE rto_code = ?1', code);
  assert.ok(org && org.id.startsWith('org_'));
  assert.equal(org.created_at, iso());
  const mirror = await ops.first('SELECT org_id, name FROM orgs WHERE rto_code = ?1', code);
  assert.deepEqual(mirror, { org_id: org.id, name: org.name });
  const user = await engine.first("SELECT id, org_id, status FROM users WHERE email = 'pat@client.edu.au'");
  assert.deepEqual({ org_id: user.org_id, status: user.status }, { org_id: org.id, status: 'active' });
  assert.equal((await engine.first('SELECT role FROM memberships WHERE org_id = ?1 AND user_id = ?2', org.id, user.id)).role, 'owner');

  // The person's session resolves as L4 through internal-api.
  const token = `tok-pat-${'y'.repeat(40)}`;
  await engine.run(`INSERT INTO sessions (id, token_hash, user_id, org_id, created_at, idle_expires_at, absolute_expires_at)
    VALUES ('ses_pat', ?1, ?2, ?3, ?4, '2027-01-01T00:00:00Z', '2027-01-01T00:00:00Z')`,
  createHash('sha256').update(token).digest('hex'), user.id, org.id, iso());
  const ia = await platform.mf.getWorker('rtopacks-internal-api');
  const me = await (await ia.fetch('https://internal-api.internal/me/tier', { headers: { 'X-RTOpacks-Session': token } })).json();
  assert.equal(me.tier, 'l4');

  // Hostile names in the engine's rows come out as text.
  await engine.run('UPDATE users SET display_name = ?1 WHERE id = ?2', HOSTILE, user.id);
  await engine.run("INSERT INTO users (id, email, org_id, status, created_at) VALUES ('usr_evil', ?1, ?2, 'active', ?3)", 'evil+"<x>@client.edu.au', org.id, iso());
  const card2 = await get(path);
  assertPage(card2.res, card2.html);
  assert.ok(!card2.html.includes(HOSTILE) && !card2.html.includes('<img src=x') && !card2.html.includes('"<x>'));
  assert.ok(text(card2.html).includes(HOSTILE));
  const people = rowWith(card2.html, 'pat@client.edu.au');
  assert.match(text(people), /owner/);
  assert.ok(people.includes(`href="/users/${user.id}"`));

  // Linking again as admin changes the role, not the people.
  assert.equal((await post(`${path}/people`, { email: 'pat@client.edu.au', role: 'admin' }, { from: path })).status, 303);
  assert.equal((await engine.first('SELECT count(*) AS n FROM memberships WHERE org_id = ?1', org.id)).n, 1);
  assert.equal((await engine.first('SELECT role FROM memberships WHERE user_id = ?1', user.id)).role, 'admin');
  // Once the address is allowed, the notice is the plain one.
  await post('/access', { kind: 'domain', value: 'client.edu.au' });
  assert.equal((await post(`${path}/people`, { email: 'pat@client.edu.au', role: 'admin' }, { from: path })).location, `${path}?done=linked`);
  // Disabled users are not re-pointed.
  await engine.run("UPDATE users SET status = 'disabled' WHERE id = 'usr_evil'");
  const disabled = await post(`${path}/people`, { email: 'evil+"<x>@client.edu.au', role: 'member' }, { from: path });
  assert.equal(disabled.status, 400, text(disabled.html));
  assert.match(text(disabled.html), /disabled/);
});

test('people: per user and per session, the anomaly log and the API access log, paged', async () => {
  const user = await engine.first("SELECT id FROM users WHERE email = 'pat@client.edu.au'");
  // Requests through internal-api with the session write the access log.
  const ia = await platform.mf.getWorker('rtopacks-internal-api');
  const token = `tok-pat-${'y'.repeat(40)}`;
  for (let i = 0; i < 3; i++) {
    platform.setClock(new Date(platform.now().getTime() + 2000));
    await (await ia.fetch('https://internal-api.internal/me/tier', { headers: { 'X-RTOpacks-Session': token } })).arrayBuffer();
  }
  // Thirty more rows and two anomalies, seeded (a page holds 25).
  for (let i = 0; i < 30; i++) {
    await ops.run(`INSERT INTO api_access_log (endpoint, method, response_status, user_id, session_id, surface, latency_ms, timestamp)
      VALUES (?1, 'GET', 200, ?2, 'ses_pat', 'internal-api', 3, ?3)`, `/catalogue/rtos/${1000 + i}`, user.id, `2026-12-01T00:00:${String(i).padStart(2, '0')}Z`);
  }
  await ops.run(`INSERT INTO anomaly_log (session_id, user_id, zone, trigger_reason, detail, action, created_at)
    VALUES ('ses_pat', ?1, 'amber', 'sequential', ?2, 'latency_injected', '2026-12-01T00:01:00Z'),
           ('ses_pat', ?1, 'red', 'sequential', '{"run":100}', 'session_revoked', '2026-12-01T00:02:00Z')`, user.id, JSON.stringify({ note: HOSTILE }));

  const page = await get(`/users/${user.id}`);
  assertPage(page.res, page.html);
  assert.ok(page.html.includes('href="/sessions/ses_pat"'));
  assert.match(rowWith(page.html, 'href="/sessions/ses_pat"'), /badge-other">live</);
  assert.match(text(page.html), /red sequential session_revoked/);
  assert.ok(!page.html.includes('<img src=x'), 'anomaly detail escaped');
  const firstPage = [...page.html.matchAll(/<code>(\/[^<]+)<\/code>/g)].map((m) => m[1]);
  assert.equal(firstPage.length, 25);
  assert.equal(firstPage[0], '/me/tier', 'newest first');
  const next = page.html.match(/href="([^"]*requests=[0-9a-f]+)" rel="next"/);
  assert.ok(next, 'a next page of requests');
  const second = await get(next[1].replace(/&amp;/g, '&'));
  const rest = [...second.html.matchAll(/<code>(\/[^<]+)<\/code>/g)].map((m) => m[1]);
  const total = (await ops.first('SELECT count(*) AS n FROM api_access_log WHERE user_id = ?1', user.id)).n;
  assert.equal(rest.length, total - 25);
  assert.ok(!rest.some((e) => firstPage.includes(e) && e !== '/me/tier'), 'no repeats');

  const sess = await get('/sessions/ses_pat');
  assertPage(sess.res, sess.html);
  assert.match(text(sess.html), /Revoke reason/);
  assert.ok(sess.html.includes(`href="/users/${user.id}"`));
  assert.match(text(sess.html), /amber sequential latency_injected/);
  assert.equal((await get('/sessions/ses_nobody')).status, 404);
  assert.equal((await get('/users/usr_nobody')).status, 404);
  assert.equal((await get(`/users/${user.id}?anomalies=zz`)).status, 400);

  const list = await get('/users?q=client.edu.au');
  assert.ok(rowWith(list.html, 'pat@client.edu.au'));
  assert.ok(!list.html.includes('"<x>'));
});

test('keys: issue (shown once), list without the secret, revoke — through internal-api with the operator\'s Access token', async () => {
  for (const [fields, pattern] of [
    [{ kind: 'api', owner: '', scopes: 'catalogue:read', rate: '60' }, /Enter who the key is for/],
    [{ kind: 'api', owner: 'x', rate: '60' }, /Choose at least one scope/],
    [{ kind: 'api', owner: 'x', scopes: 'admin:all', rate: '60' }, /Choose scopes from the list/],
    [{ kind: 'sms', owner: 'x', scopes: 'catalogue:read', rate: '60' }, /Choose API or MCP/],
    [{ kind: 'api', owner: 'x', scopes: 'catalogue:read', rate: '0' }, /from 1 to 10,000/],
  ]) {
    const r = await post('/keys', fields);
    assert.equal(r.status, 400, JSON.stringify(fields));
    assert.match(text(r.html), pattern);
  }
  const issued = await post('/keys', { kind: 'api', owner: HOSTILE, scopes: ['catalogue:read', 'catalogue:contacts'], rate: '120' });
  assert.equal(issued.status, 200, text(issued.html));
  assert.equal(issued.res.headers.get('cache-control'), 'no-store');
  const key = issued.html.match(/<code id="new-key">(rtp_live_[0-9a-f]{16}_[0-9a-f]{64})<\/code>/)[1];
  const id = key.slice(9, 25);
  const stored = JSON.parse(await platform.kv('RTOPACKS_OPERATIONAL_KEYS').get(`key:${id}`));
  assert.equal(stored.hash, createHash('sha256').update(key).digest('hex'));
  assert.deepEqual(stored.scopes, ['catalogue:read', 'catalogue:contacts']);
  assert.equal(stored.owner, HOSTILE);
  assert.ok(!issued.html.includes(HOSTILE), 'the owner is escaped');
  // internal-api saw the operator's own Access identity.
  const logged = await ops.first("SELECT count(*) AS n FROM api_access_log WHERE endpoint = '/admin/keys' AND method = 'POST' AND response_status = 201");
  assert.equal(logged.n, 1);

  const mcp = await post('/keys', { kind: 'mcp', owner: 'agent', scopes: 'catalogue:read', rate: '30' });
  assert.equal(mcp.status, 200);
  const list = await get('/keys');
  assertPage(list.res, list.html);
  assert.ok(!list.html.includes(key.slice(26)), 'never the secret again');
  assert.ok(rowWith(list.html, `<code>${id}</code>`));
  assert.match(rowWith(list.html, `<code>${id}</code>`), /badge-other">active</);

  const revoked = await post(`/keys/${id}/revoke`, {}, { from: '/keys' });
  assert.equal(revoked.status, 303);
  assert.equal(revoked.location, '/keys?done=revoked');
  assert.ok(JSON.parse(await platform.kv('RTOPACKS_OPERATIONAL_KEYS').get(`key:${id}`)).revoked_at);
  const after = await get('/keys?done=revoked');
  assert.match(text(after.html), /Revoked: the key stops working/);
  assert.match(rowWith(after.html, `<code>${id}</code>`), /badge-other">revoked</);
  assert.ok(!after.html.includes(`action="/keys/${id}/revoke"`));
  assert.equal((await post('/keys/NOT-AN-ID/revoke', {}, { token: tokenFor(list.html, `/keys/${id}/revoke`) })).status, 403);
});

test('a console token internal-api does not accept: the keys page says what to fix, and issues nothing', async () => {
  const jwt = access.jwt({ aud: ['aud-console-only'] });
  const page = await get('/keys', { jwt });
  assertPage(page.res, page.html);
  assert.match(text(page.html), /internal-api refused this console's Cloudflare Access token .*ACCESS_AUD must list the console's Access application/);
  const r = await post('/keys', { kind: 'api', owner: 'x', scopes: 'catalogue:read', rate: '5' }, { jwt });
  assert.equal(r.status, 502);
  assert.match(text(r.html), /No key was issued/);
});

test('hostile rows in every feed are escaped', async () => {
  await ops.run(`INSERT INTO regulatory_events (run_id, event_type, entity_type, entity_code, old_value, new_value, detail, created_at)
    VALUES ('tga-sync-2026-12-10T11:00:00Z', 'status_change', 'organisation', ?1, ?1, ?1, ?1, '2026-12-10T11:04:00Z')`, HOSTILE);
  await ops.run(`INSERT INTO sentinel_log (run_id, sync_type, metric, baseline, observed, drop_pct, threshold_pct, action, created_at)
    VALUES (?1, 'tga_sync', ?1, 100, 60, 40.0, 20.0, ?1, '2026-12-10T11:04:00Z')`, HOSTILE);
  await ops.run(`INSERT INTO sync_runs (run_id, sync_type, triggered_by, status, created_at, error)
    VALUES (?1, 'evil_sync', 'manual', 'failed', '2026-12-10T11:05:00Z', ?1)`, HOSTILE);
  for (const path of ['/', '/events', '/sentinel', `/runs/${encodeURIComponent('tga-sync-2026-12-10T11:00:00Z')}`, `/runs/${encodeURIComponent(HOSTILE)}`]) {
    const { res, html } = await get(path);
    assertPage(res, html);
    assert.ok(!html.includes(HOSTILE) && !html.includes('<img src=x'), `${path}: raw hostile text`);
    assert.ok(text(html).includes(HOSTILE), `${path}: the text is shown`);
  }
  // The hostile run id links to its own page, encoded.
  const home = (await get('/')).html;
  const href = home.match(/href="(\/runs\/%3Cscript%3E[^"]+)"/);
  assert.ok(href, 'the run link is percent-encoded');
  assert.equal((await get(href[1].replace(/&amp;/g, '&'))).status, 200);
});

test('admin.toml refuses every token until configured', () => {
  const toml = readFileSync(join(ROOT, 'wrangler/admin.toml'), 'utf8');
  assert.match(toml, /^ACCESS_AUD = ""$/m);
  assert.match(toml, /pattern = "admin\.rtopacks\.com\.au\/\*"/);
});

test("keys come only from the team's certs: a JWKS given any other way is not looked at", async () => {
  // An ACCESS_JWKS variable (once a local-only shortcut) must not open the console when the
  // team's certs cannot be fetched.
  const local = await startPlatform({
    workers: ['admin'],
    now: '2026-12-11T10:00:00Z',
    outbound: () => new Response('no network', { status: 502 }),
    bindings: { admin: { ...access.vars(), ACCESS_JWKS: JSON.stringify(access.jwks), CSRF_SECRET: 'x'.repeat(40) } },
  });
  try {
    const w = await local.mf.getWorker('rtopacks-admin');
    const saved = platform.now();
    platform.setClock('2026-12-11T10:00:00Z');
    const res = await w.fetch(`${ADMIN}/access`, { headers: { [HEADER]: access.jwt() } });
    assert.notEqual(res.status, 200);
    await res.arrayBuffer();
    platform.setClock(saved);
  } finally {
    await local.dispose();
  }
});

test('with ACCESS_AUD empty (the default) the console refuses everything', async () => {
  const local = await startPlatform({
    workers: ['admin'],
    outbound: access.outbound(),
    bindings: { admin: { ACCESS_TEAM_DOMAIN: access.team, CSRF_SECRET: 'x'.repeat(40) } },
  });
  try {
    const w = await local.mf.getWorker('rtopacks-admin');
    const res = await w.fetch(`${ADMIN}/`, { headers: { [HEADER]: access.jwt() } });
    assert.equal(res.status, 503);
    assert.match(text(await res.text()), /not configured for this console/);
  } finally {
    await local.dispose();
  }
});
