// rtopacks-site under Miniflare, beside internal-api over a corpus the syncs wrote themselves
// (cricos-sync, tga-sync, then enrich-sync, against the upstream fakes). Visitors are cookie
// jars driving the real pages: the corpus at a glance, search with filters, paging, plain-words
// errors and the SEARCH_CACHE (with dev's key prefix), a page per component and RTO with
// supersession inline, the on-demand enrichment request (one queue message per code per
// window, read by a consumer stub), the claim flow end to end, CSRF, the waitlist, and hostile
// names rendered as text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startPlatform } from './harness/platform.mjs';
import { createFakes, DEFAULT_CREDENTIALS } from './fakes/index.mjs';
import { settled } from './harness/expect.mjs';
import { Visitor as BaseVisitor, QUIET_SEC02, mails as mailsIn, mailsTo as mailsToIn } from './harness/visitor.mjs';

const ORIGIN = 'https://site.localhost';
const WORKSPACE = 'https://workspace.localhost';
const TOKEN = 'test-trigger-token';
const START = '2026-11-23T00:00:00Z';
const CSRF_SECRET = 'site-test-csrf-secret-0123456789abcdefghij';
const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const HOSTILE_RTO = '99001';
const HOSTILE_QUAL = 'ZZZ40199';

// The site has no route of its own (prelaunch holds the apex and hands requests over through
// a service binding): this stand-in does the same on site.localhost, passing each request
// through unchanged, so the site sees what it will see in production.
const APEX = `export default { fetch(request, env) { return env.SITE.fetch(request); } };`;

// rtopacks-ingest-queue's consumer in this test: it keeps what arrives, and tells.
const INGEST_STUB = `const got = [];
export default {
  async queue(batch) { for (const m of batch.messages) { got.push(m.body); m.ack(); } },
  async fetch() { return Response.json(got); },
};`;

// internal-api's SEC-02 would take these fast visitors for scrapers; only the thresholds
// change, every request is still scored and logged.
const SEC02_RELAXED = QUIET_SEC02;

let platform, fakes, corpus, ops, engine, intake, kv;
const codes = {};

const iso = (d = platform.now()) => new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');
const later = (ms) => platform.setClock(new Date(platform.now().getTime() + ms));
const HOUR = 3_600_000;

/** A visitor of the site (tests/harness/visitor.mjs), through the platform's routing. */
class Visitor extends BaseVisitor {
  constructor(ip) {
    super((url, init) => platform.fetch(url, init), ORIGIN, ip ? { ip } : {});
  }
}

const mailsTo = (email) => mailsToIn(ops, email);
const mails = (email, count) => mailsIn(ops, email, count);
function linkIn(mail, path) {
  const m = mail.text.match(new RegExp(`https://site\\.localhost(${path}\\?t=[\\w-]+)`));
  assert.ok(m, mail.text);
  return m[1];
}

/** The bodies the ingest stub has received so far. */
async function ingested() {
  const stub = await platform.mf.getWorker('ingest-stub');
  return (await stub.fetch('http://ingest-stub/')).json();
}
/** Waits for the stub to hold `n` messages, then a little longer to see no more arrive. */
async function ingestedSettled(n) {
  for (let i = 0; i < 400 && (await ingested()).length < n; i++) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 1500));
  return ingested();
}

function assertSecurityHeaders(page, referrer = 'strict-origin-when-cross-origin') {
  assert.equal(page.headers.get('content-security-policy'), "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(page.headers.get('referrer-policy'), referrer);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.ok(!page.text.includes('<script'), 'no script on any page');
}

const siteBindings = (env = 'production') => ({
  CSRF_SECRET, ORIGIN, WORKSPACE_URL: WORKSPACE, ENVIRONMENT: env, SEARCH_CACHE_TTL: '600',
});

before(async () => {
  fakes = createFakes({ size: 'small', baseDate: '2026-11-21T16:00:00Z', now: () => platform?.now() ?? new Date('2026-11-21T16:00:00Z') });
  platform = await startPlatform({
    workers: ['cricos-sync', 'tga-sync', 'enrich-sync', 'internal-api', 'site'],
    now: '2026-11-21T16:00:00Z',
    outbound: (request) => fakes.fetch(request),
    bindings: {
      'cricos-sync': { TRIGGER_TOKEN: TOKEN },
      'tga-sync': { TRIGGER_TOKEN: TOKEN, TGA_USERNAME: DEFAULT_CREDENTIALS.username, TGA_PASSWORD: DEFAULT_CREDENTIALS.password },
      'enrich-sync': { TRIGGER_TOKEN: TOKEN, ENRICH_CODES_PER_INVOCATION: '40' },
      'internal-api': { ANON_SALT: 'test-salt', ...SEC02_RELAXED },
      site: siteBindings(),
    },
    extraWorkers: [
      { name: 'apex', script: APEX, serviceBindings: { SITE: 'rtopacks-site' }, routes: ['site.localhost/*'] },
      { name: 'ingest-stub', script: INGEST_STUB, queueConsumers: { 'rtopacks-ingest-queue': { maxBatchSize: 100, maxBatchTimeout: 0.1 } } },
    ],
  });
  corpus = platform.d1('rtopacks-db');
  ops = platform.d1('ops-db');
  engine = platform.d1('engine-db-oc');
  intake = platform.d1('rto-intake-db');
  kv = platform.kv('SEARCH_CACHE');

  await platform.scheduled('cricos-sync', { cron: '0 18 1 * *' });
  assert.equal((await settled(ops, 'cricos_sync')).status, 'complete');
  await platform.scheduled('tga-sync', { cron: '0 16 * * SAT' });
  assert.equal((await settled(ops, 'tga_sync')).status, 'complete');
  platform.setClock('2026-11-22T12:00:00Z');
  await platform.scheduled('enrich-sync', { cron: '0 12 * * SAT' });
  assert.equal((await settled(ops, 'enrich_sync')).status, 'complete');
  platform.setClock(START);

  const one = async (sql, ...p) => Object.values((await corpus.first(sql, ...p)) ?? {})[0];
  // A current qualification with a unit grid, RTOs on scope and (if any) CRICOS courses.
  codes.qualification = await one(`SELECT c.code FROM tga_training_components c
    WHERE c.component_type = 'Qualification' AND c.is_current = 1
      AND EXISTS (SELECT 1 FROM tga_qualification_units g WHERE g.qualification_code = c.code AND g.is_essential = 1)
      AND EXISTS (SELECT 1 FROM tga_qualification_units g WHERE g.qualification_code = c.code AND g.is_essential = 0)
      AND EXISTS (SELECT 1 FROM rto_scope s WHERE s.component_code = c.code AND s.is_current = 1 AND s.is_refused = 0)
    ORDER BY (SELECT count(*) FROM cricos_courses cc WHERE cc.vet_national_code = c.code AND cc.deleted_at IS NULL) DESC, c.code LIMIT 1`);
  codes.unit = await one("SELECT code FROM tga_training_components WHERE component_type = 'Unit' AND is_current = 1 ORDER BY code LIMIT 1");
  codes.skillSet = await one("SELECT code FROM tga_training_components WHERE component_type = 'SkillSet' ORDER BY code LIMIT 1");
  codes.package = await one("SELECT code FROM tga_training_components WHERE component_type = 'TrainingPackage' ORDER BY code LIMIT 1");
  // Superseded qualifications whose direct replacement is current: one equivalent, one not.
  for (const [key, eq] of [['equivalent', 1], ['notEquivalent', 0]]) {
    codes[key] = await corpus.first(`SELECT m.code, m.mapped_code FROM tga_component_mappings m
      JOIN tga_training_components a ON a.code = m.code AND a.component_type = 'Qualification'
      JOIN tga_training_components b ON b.code = m.mapped_code AND b.is_current = 1
      WHERE m.is_equivalent = ?1 ORDER BY m.code LIMIT 1`, eq);
  }
  // An enriched RTO with a web address, scope and contacts (anonymous visitors see none).
  codes.rto = await one(`SELECT r.rto_code FROM rtos r
    WHERE r.enriched = 1 AND EXISTS (SELECT 1 FROM rto_web_addresses w WHERE w.rto_code = r.rto_code)
      AND EXISTS (SELECT 1 FROM rto_contacts c WHERE c.rto_code = r.rto_code)
      AND (SELECT count(*) FROM rto_scope s WHERE s.rto_code = r.rto_code AND s.is_current = 1 AND s.is_implicit = 0) > 30
    ORDER BY r.rto_code LIMIT 1`);
  codes.rtoHost = (await corpus.first('SELECT url FROM rto_web_addresses WHERE rto_code = ?1 ORDER BY url LIMIT 1', codes.rto))
    .url.replace(/^https?:\/\/(www\.)?/, '').split('/')[0].toLowerCase();
  codes.cricosRto = await one(`SELECT o.code FROM tga_organisations o LEFT JOIN rtos r ON r.rto_code = o.code
    JOIN cricos_institutions i ON i.provider_code = COALESCE(r.cricos_provider_code, o.cricos_provider_code)
    ORDER BY o.code LIMIT 1`);
  for (const [k, v] of Object.entries(codes)) assert.ok(v, `no ${k} in the corpus`);

  // Hostile names in the corpus: an unenriched RTO and a qualification.
  await corpus.run(`INSERT INTO tga_organisations (code, legal_name, trading_name, status, is_rto, has_active_registration, state_code, synced_at)
    VALUES (?1, ?2, ?3, 'Current', 1, 1, '01', '2026-11-21T16:00:00Z')`, HOSTILE_RTO, `${SCRIPT} Pty Ltd`, `${IMG} Training`);
  await corpus.run(`INSERT INTO tga_training_components (code, component_type, title, is_current, usage_recommendation, training_package_code, aqf_level, synced_at)
    VALUES (?1, 'Qualification', ?2, 1, 'Current', ?3, 'Certificate IV', '2026-11-21T16:00:00Z')`, HOSTILE_QUAL, `Certificate IV in ${SCRIPT} ${IMG} hostilia`, codes.package);
});
after(() => platform?.dispose());

test('the home page shows the corpus at a glance, fresh, with a search box', async () => {
  const v = new Visitor();
  const home = await v.get('/');
  assert.equal(home.status, 200);
  assertSecurityHeaders(home);
  const snap = await corpus.first('SELECT * FROM tga_snapshots ORDER BY snapshot_at DESC, id DESC LIMIT 1');
  assert.ok(snap, 'tga-sync wrote a snapshot');
  // CRICOS as it stands (its own monthly cycle), the rest as the weekly snapshot counted it.
  const courses = (await corpus.first('SELECT count(*) AS n FROM cricos_courses WHERE deleted_at IS NULL')).n;
  const n = (x) => Number(x).toLocaleString('en-AU');
  for (const [count, label] of [
    [snap.qualifications, 'qualifications'], [snap.units, 'units of competency'], [snap.skill_sets, 'skill sets'],
    [snap.current_rtos, 'registered training organisations'], [courses, 'CRICOS courses'],
  ]) {
    assert.ok(count > 1, label);
    assert.ok(home.text.includes(`<li><strong>${n(count)}</strong>${label}</li>`), `${label}: ${count}`);
  }
  assert.match(home.text, /Synced from training\.gov\.au \d{1,2} \w{3} 2026 \d\d:\d\d UTC/);
  assert.match(home.text, /<form method="get" action="\/search" role="search">/);
  assert.match(home.text, /<label for="q">Search qualifications, units, skill sets and RTOs<\/label>/);
  // The figures are cached for anonymous visitors; the cached copy is what the next visit shows.
  assert.ok(await kv.get('stats:v1'), 'stats cached');
  const again = await v.get('/');
  assert.equal(again.text, home.text);
});

test('search finds, filters and pages, every field labelled', async () => {
  const v = new Visitor();
  const title = await corpus.first('SELECT title FROM tga_training_components WHERE code = ?1', codes.qualification);
  const byCode = await v.get(`/search?q=${codes.qualification.toLowerCase()}`);
  assert.equal(byCode.status, 200);
  assertSecurityHeaders(byCode);
  const first = byCode.text.match(/<ol class="results"><li><a href="([^"]+)"><strong>([^<]+)<\/strong>/);
  assert.deepEqual([first[1], first[2]], [`/qualifications/${codes.qualification}`, codes.qualification], 'the exact code first');
  for (const [id, label] of [['q', 'Search for'], ['type', 'Type'], ['status', 'Status'], ['aqf', 'AQF level'], ['state', 'State (RTOs)'], ['package', 'Training package'], ['on_scope_of', 'On the scope of RTO']]) {
    assert.ok(byCode.text.includes(`<label for="${id}">${label}</label>`), label);
  }
  // Filters: only qualifications of the package, as the form sends them.
  const word = title.title.split(/\s+/).find((w) => w.length > 4);
  const pkg = codes.qualification.replace(/\d.*$/, '');
  const filtered = await v.get(`/search?q=${encodeURIComponent(word)}&type=qualification&status=current&package=${pkg}&aqf=&state=&on_scope_of=`);
  assert.equal(filtered.status, 200);
  const hits = [...filtered.text.matchAll(/<li><a href="\/(\w[\w-]*)\/(\w+)"><strong>/g)];
  assert.ok(hits.length > 0);
  for (const [, collection, code] of hits) {
    assert.equal(collection, 'qualifications');
    assert.ok(code.startsWith(pkg), code);
  }
  assert.match(filtered.text, /<option value="qualification" selected>Qualification<\/option>/);

  // Seek paging: Next page carries the cursor; following it gives other results.
  const broad = await v.get('/search?q=certificate');
  const next = broad.text.match(/<a href="(\/search\?q=certificate&amp;cursor=[^"]+)" rel="next">Next page<\/a>/);
  assert.ok(next, 'a Next page link');
  const page2 = await v.get(next[1].replaceAll('&amp;', '&'));
  assert.equal(page2.status, 200);
  const codesOf = (t) => [...t.matchAll(/<li><a href="[^"]+"><strong>([^<]+)</g)].map((m) => m[1]);
  assert.equal(codesOf(page2.text).filter((c) => codesOf(broad.text).includes(c)).length, 0, 'no result twice');
  assert.match(page2.text, /<a href="\/search\?q=certificate">First page<\/a>/);

  // An RTO by name, with its state.
  const rtoName = (await corpus.first('SELECT COALESCE(trading_name, legal_name) AS n FROM tga_organisations WHERE code = ?1', codes.rto)).n;
  const byName = await v.get(`/search?q=${encodeURIComponent(rtoName)}&type=rto`);
  assert.ok(byName.text.includes(`<a href="/rtos/${codes.rto}"><strong>${codes.rto}</strong>`), 'the RTO is found');
});

test('bad search input is a 400 in plain words next to its field, never a 500', async () => {
  const v = new Visitor();
  const cases = [
    ['q=', 'Enter words, a name or a code to search for.', 'q'],
    ['q=&type=unit', 'Enter words, a name or a code to search for.', 'q'],
    [`q=${'a'.repeat(300)}`, 'The search text is too long', 'q'],
    ['q=%22%22+()', 'The search text is empty', 'q'],
    ['q=x&type=widgets', 'Choose a type from the list', 'type'],
    ['q=x&status=gone', 'Choose a status from the list', 'status'],
    ['q=x&aqf=cert+v', 'Choose an AQF level from the list', 'aqf'],
    ['q=x&state=NZ', 'Choose a state or territory from the list', 'state'],
    ['q=x&package=B', 'Enter a training package code', 'package'],
    ['q=x&on_scope_of=abc', 'An RTO code is 1 to 8 digits', 'on_scope_of'],
    ['q=x&cursor=garbage', 'That page link has expired or was changed', 'q'],
    // Only the catalogue can judge these: its 400 detail, in the form's words.
    ['q=x&state=VIC&package=BSB', 'use one or the other', 'q'],
    ['q=x&on_scope_of=99999999', 'There is no RTO with code 99999999', 'on_scope_of'],
  ];
  for (const [query, words, field] of cases) {
    const res = await v.get(`/search?${query}`);
    assert.equal(res.status, 400, `${query}: ${res.status}`);
    assertSecurityHeaders(res);
    assert.ok(res.text.includes('<h2 id="error-summary-title">There is a problem</h2>'), query);
    assert.ok(res.text.includes(words), `${query}: ${res.text.match(/<ul><li><a href="#[^"]+">([^<]+)/)?.[1]}`);
    assert.ok(res.text.includes(`<li><a href="#${field}">`), `${query}: linked to #${field}`);
    assert.doesNotMatch(res.text, /parameter|SQL|sqlite|cursor this API/i, query);
  }
  // A cursor from another search is the catalogue's to refuse, in plain words.
  const broad = await v.get('/search?q=certificate');
  const cursor = decodeURIComponent(broad.text.match(/cursor=([^"&]+)" rel="next"/)[1]);
  const foreign = await v.get(`/search?q=diploma&cursor=${encodeURIComponent(cursor)}`);
  assert.equal(foreign.status, 400);
  assert.doesNotMatch(foreign.text, /parameter/);
  // The bare form is not an error.
  assert.equal((await v.get('/search')).status, 200);
});

const accessLogRows = async () => (await ops.first('SELECT count(*) AS n FROM api_access_log')).n;

test('anonymous searches are cached under a normalised key; the cached answer skips internal-api', async () => {
  const v = new Visitor();
  const miss = await v.get('/search?q=Leadership+Management');
  assert.equal(miss.status, 200);
  assert.equal(miss.headers.get('x-rtopacks-cache'), 'miss');
  const keys = (await kv.list({ prefix: 'search:v1:' })).keys.map((k) => k.name);
  assert.ok(keys.length >= 1);
  assert.ok((await kv.list({ prefix: 'dev:' })).keys.length === 0, 'production writes no dev: key');
  const logged = await accessLogRows();
  // The same search typed differently is the same entry, answered without internal-api.
  const hit = await new Visitor().get('/search?q=+leadership+++MANAGEMENT+');
  assert.equal(hit.headers.get('x-rtopacks-cache'), 'hit');
  assert.equal(await accessLogRows(), logged, 'internal-api was not asked');
  const codesOf = (t) => [...t.matchAll(/<li><a href="[^"]+"><strong>([^<]+)</g)].map((m) => m[1]);
  assert.deepEqual(codesOf(hit.text), codesOf(miss.text));
  // Another filter is another entry.
  const other = await v.get('/search?q=leadership+management&type=unit');
  assert.equal(other.headers.get('x-rtopacks-cache'), 'miss');
  assert.equal(await accessLogRows(), logged + 1);
  // Errors are never cached.
  const before = (await kv.list({ prefix: 'search:' })).keys.length;
  await v.get('/search?q=x&state=VIC&package=BSB');
  assert.equal((await kv.list({ prefix: 'search:' })).keys.length, before);
});

test('dev keeps to dev:-prefixed keys and production never reads them', async () => {
  // A dev site (ENVIRONMENT=dev) sharing nothing but the key rule: its search is cached
  // under dev:<key>, and nothing else.
  const dev = await startPlatform({
    workers: ['internal-api', 'site'],
    now: START,
    bindings: { 'internal-api': { ANON_SALT: 'dev-salt', ...SEC02_RELAXED }, site: siteBindings('dev') },
  });
  let devKey;
  try {
    const devSite = await dev.mf.getWorker('rtopacks-site');
    const res = await devSite.fetch(`${ORIGIN}/search?q=poisonprobe`, { headers: { 'CF-Connecting-IP': '10.9.9.9' } });
    assert.equal(res.status, 200, await res.text());
    const devKv = dev.kv('SEARCH_CACHE');
    const names = (await devKv.list()).keys.map((k) => k.name);
    assert.equal(names.length, 1, names.join());
    devKey = names[0];
    assert.match(devKey, /^dev:search:v1:[0-9a-f]{64}$/);
    const again = await devSite.fetch(`${ORIGIN}/search?q=PoisonProbe`, { headers: { 'CF-Connecting-IP': '10.9.9.9' } });
    assert.equal(again.headers.get('x-rtopacks-cache'), 'hit', 'dev reads its own prefixed key');
  } finally {
    await dev.dispose();
  }
  // Production: a poisoned entry under the dev key is never read; production fills its own.
  const poison = { results: [{ kind: 'qualification', code: 'POISON1', title: 'POISONED CACHE', legal_name: null, status: 'current', training_package: null, aqf_level: null, superseded_by: null, state: null, synced_at: START }], per_page: 20, next_cursor: null, freshness: { synced_at: null, sources: [] } };
  await kv.put(devKey, JSON.stringify(poison));
  const prod = await new Visitor().get('/search?q=poisonprobe');
  assert.equal(prod.status, 200);
  assert.equal(prod.headers.get('x-rtopacks-cache'), 'miss');
  assert.ok(!prod.text.includes('POISON'), 'production ignored the dev entry');
  const prodKey = devKey.slice('dev:'.length);
  assert.ok(await kv.get(prodKey), 'production wrote the unprefixed key');
  assert.equal(await kv.get(devKey), JSON.stringify(poison), 'and left the dev one alone');
});

test('a qualification page: status, release, unit grid, RTOs on scope, CRICOS courses', async () => {
  const v = new Visitor();
  const code = codes.qualification;
  const q = await corpus.first('SELECT * FROM tga_training_components WHERE code = ?1', code);
  const page = await v.get(`/qualifications/${code}`);
  assert.equal(page.status, 200);
  assertSecurityHeaders(page);
  assert.ok(page.text.includes(`<h1>${code} ${q.title}</h1>`), 'one h1: code and title');
  assert.equal(page.text.match(/<h1/g).length, 1);
  assert.ok(page.text.includes('<dt>Status</dt><dd><span class="badge badge-current">current</span></dd>'));
  assert.ok(page.text.includes(`<dt>Usage recommendation</dt><dd>${q.usage_recommendation}</dd>`));
  assert.ok(page.text.includes(`<dt>Latest release</dt><dd>Release ${q.latest_release_number}`));
  const core = (await corpus.first('SELECT count(*) AS n FROM tga_qualification_units WHERE qualification_code = ?1 AND is_essential = 1', code)).n;
  const elective = (await corpus.first('SELECT count(*) AS n FROM tga_qualification_units WHERE qualification_code = ?1 AND is_essential = 0', code)).n;
  assert.ok(page.text.includes(`<caption>Core units (${core})</caption>`));
  assert.ok(page.text.includes(`<caption>Elective units (${elective})</caption>`));
  const unit = (await corpus.first('SELECT unit_code FROM tga_qualification_units WHERE qualification_code = ?1 ORDER BY unit_code LIMIT 1', code)).unit_code;
  assert.ok(page.text.includes(`<a href="/units/${unit}">${unit}</a>`));
  const offering = (await corpus.first('SELECT count(*) AS n FROM rto_scope WHERE component_code = ?1 AND is_current = 1 AND is_refused = 0', code)).n;
  assert.ok(page.text.includes(`<caption>RTOs with it on scope</caption>`));
  assert.match(page.text, new RegExp(`${offering.toLocaleString('en-AU')} RTOs? ha(s|ve) it on their current scope`));
  const rto = (await corpus.first('SELECT rto_code FROM rto_scope WHERE component_code = ?1 AND is_current = 1 AND is_refused = 0 ORDER BY rto_code LIMIT 1', code)).rto_code;
  assert.ok(page.text.includes(`<a href="/rtos/${rto}">${rto}</a>`));
  if (offering > 10) {
    assert.ok(page.text.includes(`<a href="/qualifications/${code}/rtos">All ${offering.toLocaleString('en-AU')} RTOs with ${code} on scope</a>`));
    const all = await v.get(`/qualifications/${code}/rtos`);
    assert.equal(all.status, 200);
  }
  const courses = (await corpus.first('SELECT count(*) AS n FROM cricos_courses WHERE vet_national_code = ?1 AND deleted_at IS NULL', code)).n;
  assert.ok(page.text.includes('<h2 id="cricos">CRICOS courses</h2>'));
  if (courses > 0) {
    const course = (await corpus.first('SELECT course_code FROM cricos_courses WHERE vet_national_code = ?1 AND deleted_at IS NULL ORDER BY course_code LIMIT 1', code)).course_code;
    assert.ok(page.text.includes(`<td>${course}</td>`), 'a CRICOS course listed');
    const list = await v.get(`/qualifications/${code}/cricos-courses`);
    assert.equal(list.status, 200);
    assert.ok(list.text.includes(`<td>${course}</td>`));
  }
  assert.match(page.text, /Synced from training\.gov\.au/);
});

test('supersession is inline: "Superseded by X (equivalent)" and "(not equivalent)"', async () => {
  const v = new Visitor();
  for (const [key, words] of [['equivalent', 'equivalent'], ['notEquivalent', 'not equivalent']]) {
    const { code, mapped_code: to } = codes[key];
    const page = await v.get(`/qualifications/${code}`);
    assert.equal(page.status, 200, code);
    const text = page.text.replace(/<[^>]+>/g, '');
    assert.ok(text.includes(`Superseded by ${to} (${words})`), `${code}: ${text.match(/Superseded by[^.]*/)?.[0]}`);
    assert.ok(page.text.includes(`Superseded by <a href="/qualifications/${to}">${to}</a>`));
    // And from the other side.
    const newer = await v.get(`/qualifications/${to}`);
    assert.ok(newer.text.replace(/<[^>]+>/g, '').includes(`Supersedes ${code} (${words})`), to);
  }
});

test('units, skill sets and training packages have pages; wrong kinds and spellings redirect; bad codes are 404 pages', async () => {
  const v = new Visitor();
  for (const [path, heading] of [[`/units/${codes.unit}`, codes.unit], [`/skill-sets/${codes.skillSet}`, codes.skillSet], [`/training-packages/${codes.package}`, codes.package]]) {
    const page = await v.get(path);
    assert.equal(page.status, 200, path);
    assert.ok(page.text.includes(`<h1>${heading} `), path);
  }
  const pkg = await v.get(`/training-packages/${codes.package}`);
  assert.match(pkg.text, /<h2>Qualifications by AQF level<\/h2>/);
  // The wrong collection, a lower-case code, /components/: each to the code's own page.
  for (const [path, to] of [
    [`/units/${codes.qualification}`, `/qualifications/${codes.qualification}`],
    [`/qualifications/${codes.qualification.toLowerCase()}`, `/qualifications/${codes.qualification}`],
    [`/components/${codes.unit}`, `/units/${codes.unit}`],
    [`/rtos/0${codes.rto}`.replace('/0', '/'), null],
  ]) {
    if (!to) continue;
    const res = await v.get(path);
    assert.equal(res.status, 301, path);
    assert.equal(res.location, to, path);
  }
  for (const path of ['/units/ZZZ99999', '/qualifications/%3Cscript%3E', '/units/B', '/rtos/abc', '/rtos/99999999', '/skill-sets/%zz', '/components/ZZZ99999']) {
    const res = await v.get(path);
    assert.equal(res.status, 404, path);
    assertSecurityHeaders(res);
    assert.match(res.text, /<h1>Page not found<\/h1>/, path);
    assert.doesNotMatch(res.text, /<script>/);
  }
});

test('an RTO page: names, status, registration, addresses, web addresses, contacts withheld, scope paged, CRICOS', async () => {
  const v = new Visitor();
  const code = codes.rto;
  const r = await corpus.first('SELECT * FROM rtos WHERE rto_code = ?1', code);
  const page = await v.get(`/rtos/${code}`);
  assert.equal(page.status, 200);
  assertSecurityHeaders(page);
  assert.ok(page.text.includes(`<h1>${code} ${r.trading_name ?? r.legal_name}</h1>`));
  assert.ok(page.text.includes(`<dt>Legal name</dt><dd>${r.legal_name}</dd>`));
  assert.match(page.text, /<dt>Status<\/dt><dd><span class="badge badge-(current|other)">/);
  assert.ok(page.text.includes('<h2>Addresses</h2>'));
  const url = (await corpus.first('SELECT url FROM rto_web_addresses WHERE rto_code = ?1 ORDER BY url LIMIT 1', code)).url;
  assert.ok(page.text.includes(`rel="noopener noreferrer nofollow">${url}</a>`), 'web address linked');
  // Anonymous: no contacts, a count and the way to see more.
  const contacts = (await corpus.first('SELECT count(*) AS n FROM rto_contacts WHERE rto_code = ?1', code)).n;
  assert.match(page.text, new RegExp(`${contacts} contacts? (is|are) not shown`));
  assert.ok(page.text.includes(`<a href="${WORKSPACE}/auth">Sign in to your workspace</a>`));
  const emails = await corpus.all('SELECT email FROM rto_contacts WHERE rto_code = ?1 AND email IS NOT NULL', code);
  for (const { email } of emails) assert.ok(!page.text.includes(email), 'no contact address shown anonymously');
  // Scope, paged by cursor.
  const scope = (await corpus.first('SELECT count(*) AS n FROM rto_scope WHERE rto_code = ?1 AND is_current = 1 AND is_implicit = 0', code)).n;
  assert.match(page.text, new RegExp(`${scope.toLocaleString('en-AU')} items are on the current scope`));
  const next = page.text.match(/<a href="(\/rtos\/\d+\?cursor=[^"]+)" rel="next">Next page<\/a>/);
  assert.ok(next, 'scope pager');
  const page2 = await v.get(next[1].replaceAll('&amp;', '&'));
  assert.equal(page2.status, 200);
  const first = (t) => t.match(/<caption>Scope of registration<\/caption>.*?<tbody><tr><td><a href="[^"]+">([^<]+)</s)[1];
  assert.notEqual(first(page2.text), first(page.text));
  assert.ok(page.text.includes(`<a href="/rtos/${code}/claim">Claim this page</a>`));
  // A CRICOS provider's page lists its courses.
  const cr = await v.get(`/rtos/${codes.cricosRto}`);
  assert.equal(cr.status, 200);
  const provider = (await corpus.first(`SELECT COALESCE(r.cricos_provider_code, o.cricos_provider_code) AS p
    FROM tga_organisations o LEFT JOIN rtos r ON r.rto_code = o.code WHERE o.code = ?1`, codes.cricosRto)).p;
  assert.ok(cr.text.includes(`<dt>CRICOS provider code</dt><dd>${provider}</dd>`));
  const course = await corpus.first('SELECT course_code FROM cricos_courses WHERE provider_code = ?1 AND deleted_at IS NULL ORDER BY course_code LIMIT 1', provider);
  if (course) {
    assert.ok(cr.text.includes(`<td>${course.course_code}</td>`));
    const all = await v.get(`/rtos/${codes.cricosRto}/cricos-courses`);
    assert.equal(all.status, 200);
    assert.ok(all.text.includes(`<td>${course.course_code}</td>`));
  }
});

test('a session cookie is forwarded: a signed-in visitor sees organisation contacts, and is never cached; an expired one is cleared', async () => {
  // A live workspace session (as the workspace would have made it) for a user without an org.
  const token = 'siteSessionToken_0123456789abcdefghijklmnopqr';
  await engine.run("INSERT INTO users (id, email, status, created_at) VALUES ('usr_site_reader', 'reader@example.edu.au', 'active', ?1)", iso());
  await engine.run(
    `INSERT INTO sessions (id, token_hash, user_id, created_at, idle_expires_at, absolute_expires_at)
     VALUES ('ses_site_reader', ?1, 'usr_site_reader', ?2, '2027-01-01T00:00:00Z', '2027-01-01T00:00:00Z')`,
    createHash('sha256').update(token).digest('hex'), iso());
  const code = await corpus.first(`SELECT rto_code FROM rto_contacts GROUP BY rto_code
    HAVING sum(first_name IS NULL AND last_name IS NULL AND email IS NOT NULL) > 0 ORDER BY rto_code LIMIT 1`);
  const orgContact = await corpus.first(`SELECT email FROM rto_contacts WHERE rto_code = ?1
    AND first_name IS NULL AND last_name IS NULL AND email IS NOT NULL ORDER BY email LIMIT 1`, code.rto_code);
  const signedIn = new Visitor();
  signedIn.jar.set('__Host-rtp_session', token);
  const page = await signedIn.get(`/rtos/${code.rto_code}`);
  assert.equal(page.status, 200);
  assert.ok(page.text.includes(orgContact.email), 'the signed-in tier sees organisation contacts');
  const anonymous = await new Visitor().get(`/rtos/${code.rto_code}`);
  assert.ok(!anonymous.text.includes(orgContact.email), 'the anonymous tier does not');
  // A signed-in visitor's searches are neither read from nor written to the cache.
  const keys = (await kv.list({ prefix: 'search:' })).keys.length;
  for (let i = 0; i < 2; i++) {
    const res = await signedIn.get('/search?q=session+only+search');
    assert.equal(res.headers.get('x-rtopacks-cache'), 'miss');
  }
  assert.equal((await kv.list({ prefix: 'search:' })).keys.length, keys);
  // A session internal-api no longer honours: the page still answers, anonymously, and the
  // cookie is cleared.
  await engine.run("UPDATE sessions SET revoked_at = ?1, revoke_reason = 'sign_out' WHERE id = 'ses_site_reader'", iso());
  const expired = await signedIn.get(`/rtos/${code.rto_code}`);
  assert.equal(expired.status, 200);
  assert.ok(!expired.text.includes(orgContact.email));
  assert.equal(signedIn.jar.get('__Host-rtp_session'), undefined, 'the session cookie was cleared');
});

test('an unenriched RTO is queued for enrichment once per window, however many visit', async () => {
  const start = (await ingested()).length;
  const visits = [];
  for (let i = 0; i < 6; i++) visits.push(new Visitor().get(`/rtos/${HOSTILE_RTO}`));
  const pages = await Promise.all(visits);
  for (const p of pages) {
    assert.equal(p.status, 200);
    assert.match(p.text, /We've asked training\.gov\.au for it: check back in a few minutes\./);
  }
  // The claim form of the same RTO is one more visit, not one more message.
  await new Visitor().get(`/rtos/${HOSTILE_RTO}/claim`);
  const got = (await ingestedSettled(start + 1)).slice(start);
  assert.deepEqual(got, [{ rto_code: HOSTILE_RTO }], 'exactly one message');
  const row = await ops.first('SELECT * FROM ingest_requests WHERE rto_code = ?1', HOSTILE_RTO);
  assert.deepEqual([row.requests, row.requested_at], [1, iso()]);
  // Five hours on: still inside the window.
  later(5 * HOUR);
  await new Visitor().get(`/rtos/${HOSTILE_RTO}`);
  assert.equal((await ingestedSettled(start + 1)).length, start + 1);
  // Past six hours: one more.
  later(HOUR + 1000);
  await new Visitor().get(`/rtos/${HOSTILE_RTO}`);
  await new Visitor().get(`/rtos/${HOSTILE_RTO}`);
  const after = (await ingestedSettled(start + 2)).slice(start);
  assert.deepEqual(after, [{ rto_code: HOSTILE_RTO }, { rto_code: HOSTILE_RTO }]);
  // An enriched RTO is never queued.
  await new Visitor().get(`/rtos/${codes.rto}`);
  assert.equal(await ops.first('SELECT * FROM ingest_requests WHERE rto_code = ?1', codes.rto), null);
  platform.setClock(START);
});

test('hostile names in the corpus are rendered as text everywhere', async () => {
  const v = new Visitor();
  const pages = [
    await v.get(`/rtos/${HOSTILE_RTO}`),
    await v.get(`/qualifications/${HOSTILE_QUAL}`),
    await v.get('/search?q=hostilia'),
    await v.get(`/search?q=${HOSTILE_RTO}`),
    await v.get(`/rtos/${HOSTILE_RTO}/claim`),
  ];
  for (const p of pages) {
    assert.equal(p.status, 200, p.text.slice(0, 200));
    assert.ok(!p.text.includes(SCRIPT), 'no live script tag');
    assert.ok(!p.text.includes('<img'), 'no live img tag');
    assert.ok(!/onerror=alert/.test(p.text.replace(/&quot;&gt;&lt;img src=x onerror=alert\(1\)&gt;/g, '')), 'no live handler');
  }
  assert.ok(pages[0].text.includes('&lt;script&gt;alert(1)&lt;/script&gt; Pty Ltd'));
  assert.ok(pages[0].text.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt; Training'));
  assert.ok(pages[1].text.includes(`${HOSTILE_QUAL} Certificate IV in &lt;script&gt;alert(1)&lt;/script&gt;`));
  assert.ok(pages[2].text.includes(`<strong>${HOSTILE_QUAL}</strong> Certificate IV in &lt;script&gt;`));
});

test('405 with Allow, the 404 page, the stylesheet, HEAD and robots.txt', async () => {
  const v = new Visitor();
  for (const [method, path, allow] of [['DELETE', '/', 'GET, HEAD'], ['POST', '/search', 'GET, HEAD'], ['PUT', '/waitlist', 'GET, HEAD, POST'], ['POST', `/rtos/${codes.rto}`, 'GET, HEAD'], ['PATCH', '/claim/verify', 'GET, HEAD, POST']]) {
    const res = await v.request(method, path);
    assert.equal(res.status, 405, `${method} ${path}`);
    assert.equal(res.headers.get('allow'), allow);
  }
  const missing = await v.get('/nowhere/at/all');
  assert.equal(missing.status, 404);
  assert.match(missing.text, /<h1>Page not found<\/h1>/);
  const home = await v.get('/');
  const css = home.text.match(/href="(\/assets\/app\.[0-9a-f]{10}\.css)"/)[1];
  const sheet = await v.get(css);
  assert.equal(sheet.status, 200);
  assert.match(sheet.headers.get('content-type'), /text\/css/);
  assert.equal((await v.get('/assets/app.0000000000.css')).status, 404);
  const head = await v.request('HEAD', `/qualifications/${codes.qualification}`);
  assert.equal(head.status, 200);
  const robots = await v.get('/robots.txt');
  assert.match(robots.text, /Disallow: \/claim\//);
});

/** Asks for a claim link as `v` with `email`; answers the POST's reply. */
async function askClaim(v, rto, email, opts) {
  await v.get(`/rtos/${rto}/claim`);
  return v.post(`/rtos/${rto}/claim`, { email }, opts);
}

test('a claim with a listed domain: link, confirm, then user, org, membership, mirror and allowlist', async () => {
  const v = new Visitor();
  const email = `kim.claims@${codes.rtoHost}`;
  const form = await v.get(`/rtos/${codes.rto}/claim`);
  assert.equal(form.status, 200);
  assert.equal(form.headers.get('cache-control'), 'no-store');
  assert.match(form.text, /<label for="email">Your work email address<\/label>/);
  assert.match(form.text, /public mailbox providers, like Gmail, Outlook or Hotmail, never count/i);
  const sent = await v.post(`/rtos/${codes.rto}/claim`, { email });
  assert.equal(sent.status, 303, sent.text.slice(0, 500));
  assert.equal(sent.location, `/rtos/${codes.rto}/claim?sent=1`);
  const check = await v.get(sent.location);
  assert.match(check.text, /If your address can claim this RTO, a link is on its way to it/);

  const [mail] = await mails(email, 1);
  assert.equal(mail.status, 'recorded');
  assert.match(mail.subject, new RegExp(`Confirm your claim of RTO ${codes.rto}`));
  const link = linkIn(mail, '/claim/verify');
  const token = new URL(link, ORIGIN).searchParams.get('t');
  const stored = await engine.first('SELECT * FROM magic_link_tokens WHERE email = ?1', email);
  assert.deepEqual([stored.purpose, stored.rto_code, stored.used_at], ['claim', codes.rto, null]);
  assert.notEqual(stored.token_hash, token, 'only the hash is stored');
  assert.equal(Date.parse(stored.expires_at) - Date.parse(stored.created_at), 15 * 60_000);

  // The link's page reads the link and uses nothing; it leaks no referrer.
  const landing = await v.get(link);
  assert.equal(landing.status, 200);
  assertSecurityHeaders(landing, 'no-referrer');
  assert.match(landing.text, new RegExp(`claiming the page of RTO <strong>${codes.rto}</strong> as <strong>${email.replace('.', '\\.')}</strong>`));
  assert.equal((await engine.first('SELECT used_at FROM magic_link_tokens WHERE email = ?1', email)).used_at, null);

  const done = await v.post('/claim/verify', { t: token });
  assert.equal(done.status, 200, done.text.slice(0, 800));
  assertSecurityHeaders(done, 'no-referrer');
  assert.match(done.text, /Your claim is confirmed\./);
  assert.ok(done.text.includes(`<a class="button" href="${WORKSPACE}/auth">Sign in to your workspace</a>`));

  const user = await engine.first('SELECT * FROM users WHERE email = ?1', email);
  const org = await engine.first('SELECT * FROM orgs WHERE rto_code = ?1', codes.rto);
  assert.ok(org, 'an org for the RTO');
  assert.equal(user.org_id, org.id, 'users.org_id set');
  const member = await engine.first('SELECT * FROM memberships WHERE org_id = ?1 AND user_id = ?2', org.id, user.id);
  assert.equal(member.role, 'owner');
  const mirror = await ops.first('SELECT * FROM orgs WHERE org_id = ?1', org.id);
  assert.deepEqual([mirror.rto_code, mirror.name], [codes.rto, org.name]);
  const allow = await ops.first("SELECT * FROM access_allowlist WHERE kind = 'email' AND value = ?1", email);
  assert.deepEqual([allow.active, allow.created_by, allow.label], [1, 'claim', `claimed RTO ${codes.rto}`]);

  // Single use: the same link again, and its page, say so; nothing changes.
  const again = await v.post('/claim/verify', { t: token }, { csrf: v.token('/claim/verify', landing) });
  assert.equal(again.status, 410);
  assert.match(again.text, /This link has been used/);
  assert.equal((await v.get(link)).status, 410);
  assert.equal((await engine.first('SELECT count(*) AS n FROM memberships WHERE org_id = ?1', org.id)).n, 1);
});

test('a claim from a public mailbox or another domain is refused with the reason; nothing is sent', async () => {
  const v = new Visitor();
  const gmail = await askClaim(v, codes.rto, 'kim.claims@gmail.com');
  assert.equal(gmail.status, 400);
  assert.match(gmail.text, /Addresses at gmail\.com can&#39;t show that you work at this RTO|Addresses at gmail\.com can't show that you work at this RTO/);
  assert.ok(gmail.text.includes('<li><a href="#email">'), 'linked to the field');
  const other = await askClaim(v, codes.rto, 'kim@elsewhere.example');
  assert.equal(other.status, 400);
  assert.ok(other.text.includes(codes.rtoHost), `names the listed domain ${codes.rtoHost}`);
  assert.match(other.text, /a domain training\.gov\.au lists for this RTO/);
  assert.equal((await engine.first("SELECT count(*) AS n FROM magic_link_tokens WHERE email IN ('kim.claims@gmail.com', 'kim@elsewhere.example')")).n, 0);
  assert.equal((await mailsTo('kim@elsewhere.example')).length, 0);
  // Not an address at all.
  const junk = await askClaim(v, codes.rto, 'not an address');
  assert.equal(junk.status, 400);
  assert.match(junk.text, /Enter an email address/);
  // An unenriched RTO has no domains to check against yet: said plainly.
  const early = await askClaim(v, HOSTILE_RTO, 'kim@anything.example');
  assert.equal(early.status, 400);
  assert.match(early.text, /We don&#39;t have this RTO&#39;s contact details|We don't have this RTO's contact details/);
});

test('claim links are rate-limited like sign-in links, with the same answer', async () => {
  const v = new Visitor();
  const email = `limit@${codes.rtoHost}`;
  for (let i = 0; i < 5; i++) {
    const res = await askClaim(v, codes.rto, email);
    assert.equal(res.status, 303);
    assert.equal(res.location, `/rtos/${codes.rto}/claim?sent=1`);
  }
  assert.equal((await engine.first('SELECT count(*) AS n FROM magic_link_tokens WHERE email = ?1', email)).n, 3, '3 per address per window');
});

test('every POST needs its own token from this visitor and this origin', async () => {
  const v = new Visitor();
  const email = `csrf@${codes.rtoHost}`;
  await v.get(`/rtos/${codes.rto}/claim`);
  const action = `/rtos/${codes.rto}/claim`;
  const refusals = [
    [{ csrf: null }, 'no token'],
    [{ csrf: 'forged' }, 'a forged token'],
    [{ site: 'cross-site' }, 'a cross-site POST'],
    [{ origin: 'https://evil.example' }, 'another origin'],
    [{ origin: 'null', site: null }, 'a null origin alone'],
  ];
  for (const [opts, what] of refusals) {
    const res = await v.post(action, { email }, opts);
    assert.equal(res.status, 403, what);
    assert.match(res.text, /This form can&#39;t be accepted|This form can't be accepted/, what);
  }
  // A token issued for another form, or to another visitor.
  const waitlistToken = v.token('/waitlist', await v.get('/waitlist'));
  assert.equal((await v.post(action, { email }, { csrf: waitlistToken })).status, 403, 'another action');
  await v.get(action);
  const stolen = v.token(action);
  const other = new Visitor();
  await other.get('/');
  assert.equal((await other.post(action, { email }, { csrf: stolen })).status, 403, 'another visitor');
  for (const path of ['/claim/verify', '/waitlist', '/waitlist/verify']) {
    assert.equal((await v.post(path, { t: 'x', email: 'a@b.example' }, { csrf: null })).status, 403, path);
  }
  assert.equal((await engine.first('SELECT count(*) AS n FROM magic_link_tokens WHERE email = ?1', email)).n, 0, 'nothing issued');
  // The no-referrer link page's Confirm posts Origin: null beside Sec-Fetch-Site: same-origin.
  await v.get(action);
  const ok = await v.post(action, { email }, { origin: 'null' });
  assert.equal(ok.status, 303);
});

test('the waitlist: sign up, the same answer for a known address, verify once', async () => {
  const v = new Visitor();
  const form = await v.get('/waitlist');
  assert.equal(form.status, 200);
  for (const label of ['Email address', 'Your name (optional)', 'Organisation (optional)', 'RTO code (optional)']) {
    assert.ok(form.text.includes(`>${label}</label>`), label);
  }
  const email = 'joan@college.example.edu.au';
  const joined = await v.post('/waitlist', { email, name: SCRIPT, organisation: 'Acme', rto_code: '45329' });
  assert.equal(joined.status, 303);
  assert.equal(joined.location, '/waitlist?sent=1');
  const [mail] = await mails(email, 1);
  const link = linkIn(mail, '/waitlist/verify');
  assert.ok(!mail.text.includes('<script'), 'nothing typed goes into the mail');
  const entry = await intake.first('SELECT * FROM waitlist WHERE email = ?1', email);
  assert.deepEqual([entry.status, entry.source, entry.name, entry.rto_code], ['pending', 'site', SCRIPT, '45329']);

  // Known address: the same answer.
  await v.get('/waitlist');
  const repeat = await v.post('/waitlist', { email });
  assert.deepEqual([repeat.status, repeat.location], [joined.status, joined.location]);

  const landing = await v.get(link);
  assert.equal(landing.status, 200);
  assertSecurityHeaders(landing, 'no-referrer');
  assert.equal((await intake.first('SELECT status FROM waitlist WHERE email = ?1', email)).status, 'pending', 'opening the link uses nothing');
  const t = new URL(link, ORIGIN).searchParams.get('t');
  const done = await v.post('/waitlist/verify', { t });
  assert.equal(done.status, 200, done.text.slice(0, 500));
  assert.match(done.text, /is on the RTOpacks waitlist/);
  assert.equal((await intake.first('SELECT status FROM waitlist WHERE email = ?1', email)).status, 'verified');
  const twice = await v.post('/waitlist/verify', { t }, { csrf: v.token('/waitlist/verify', landing) });
  assert.equal(twice.status, 410);

  // Form errors in plain words, nothing written.
  await v.get('/waitlist');
  const bad = await v.post('/waitlist', { email: 'nope', rto_code: 'abc' });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /Enter an email address with an @/);
  assert.match(bad.text, /An RTO code is 1 to 8 digits/);
});
