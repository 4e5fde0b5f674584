// scripts/bench-api: the public api's catalogue reads under Miniflare (release build) over the
// corpus the syncs write from the upstream fakes, beside the same catalogue calls run natively
// on SQLite in the same run.
//
//   1. Seed: cricos-sync, tga-sync, then enrich-sync to completion (timed on its own).
//   2. A key: a KeyRecord for a fresh rtp_live_ key written to RTOPACKS_OPERATIONAL_KEYS
//      (catalogue:read, a huge rate limit); the api runs with SEC-02 thresholds raised so the
//      benchmark client is never delayed or refused (the gate's queries still run).
//   3. Workloads, sampled deterministically from the corpus: search terms (words of component
//      titles and organisation names), component codes, RTO codes. Each through the api worker
//      over HTTP (dispatch by Host): one at a time for p50/p95, then 8 in flight for requests/s.
//      Every answer must be 200; any other status is counted and invalidates the run.
//   4. Direct: the corpus tables dumped from the local D1 into a SQLite file with the
//      migrations' schema, then `cargo run --release -p rtopacks-catalogue --example direct`
//      runs search / lookup / rto for the same workloads natively. `ratio` = api p95 / direct p95.
//   5. Where the time goes: the api's own latency (api_access_log.latency_ms), a request that
//      stops after the gate, and Miniflare's floors (HTTP dispatch, one D1 statement, one KV
//      get, one service call such as the test clock) measured on a no-op worker.
// A benchmark, not a test: it asserts nothing and never runs in CI.
//   node tests/bench/bench-api.mjs [--small]
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir, loadavg } from 'node:os';
import { Miniflare } from 'miniflare';
import { startPlatform } from '../harness/platform.mjs';
import { createFakes, DEFAULT_CREDENTIALS } from '../fakes/index.mjs';
import { ROOT } from '../harness/workers.mjs';

const size = process.argv.includes('--small') ? 'small' : 'full';
const NOW = '2026-11-21T16:00:00Z';
const API = 'https://api.rtopacks.com.au';
const CONCURRENCY = 8;
const WARMUP = 20; // first items of each workload, run once untimed (both sides)
const SAMPLE = { search: 300, components: 300, rtos: 100 };
const HUGE = '1000000000';
// Raised so the benchmark client is never amber or red; every signal is still computed
// and the window still read and written on every request.
const SEC02 = {
  SEC02_VELOCITY_AMBER_PER_MINUTE: HUGE, SEC02_VELOCITY_RED_PER_MINUTE: HUGE,
  SEC02_SEQUENTIAL_AMBER_RUN: HUGE, SEC02_SEQUENTIAL_RED_RUN: HUGE,
  SEC02_BREADTH_AMBER_GROUPS: HUGE, SEC02_BREADTH_RED_GROUPS: HUGE,
  SEC02_BREADTH_AMBER_MIN_REQUESTS: HUGE, SEC02_BREADTH_RED_MIN_REQUESTS: HUGE,
  SEC02_TIMING_AMBER_STREAK: HUGE, SEC02_TIMING_RED_STREAK: HUGE,
};

const secs = (t0) => (performance.now() - t0) / 1000;
/** Nearest rank, as the direct example computes it. */
function pct(values, p) {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length, Math.max(1, Math.ceil(p * s.length))) - 1];
}
const ms = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

const profiles = Object.fromEntries(['cricos-sync', 'tga-sync', 'enrich-sync', 'api'].map((w) => {
  const f = join(ROOT, 'workers', w, 'build', '.profile');
  return [w, existsSync(f) ? readFileSync(f, 'utf8').trim() : '?'];
}));

const fakes = createFakes({ size, baseDate: NOW });
const platform = await startPlatform({
  workers: ['cricos-sync', 'tga-sync', 'enrich-sync', 'api'], now: NOW, outbound: fakes.fetch,
  bindings: {
    'tga-sync': { TGA_USERNAME: DEFAULT_CREDENTIALS.username, TGA_PASSWORD: DEFAULT_CREDENTIALS.password },
    api: { ANON_SALT: 'bench-api', ...SEC02 },
  },
});
const ops = platform.d1('ops-db');
const corpus = platform.d1('rtopacks-db');
console.log(`bench-api: ${size} corpus; worker builds ${Object.entries(profiles).map(([w, p]) => `${w}=${p}`).join(' ')}`);

// ---------------------------------------------------------------------------------------
// 1. The corpus, written by the syncs themselves.
// ---------------------------------------------------------------------------------------
async function sync(worker, type, cron) {
  const t0 = performance.now();
  await platform.scheduled(worker, { cron });
  for (;;) {
    const r = await ops.first('SELECT status FROM sync_runs WHERE sync_type = ?1 ORDER BY created_at DESC LIMIT 1', type);
    if (r && r.status !== 'running') {
      console.log(`seed ${worker.padEnd(12)} ${secs(t0).toFixed(1).padStart(7)} s  ${r.status}`);
      return r.status;
    }
    if (secs(t0) > 120 * 60) throw new Error(`${worker}: no end after 120 minutes`);
    await new Promise((res) => setTimeout(res, 500)); // the D1 proxy blocks node while it polls
  }
}
const seed0 = performance.now();
await sync('cricos-sync', 'cricos_sync', '0 18 1 * *');
await sync('tga-sync', 'tga_sync', '0 16 * * SAT');
platform.setClock('2026-11-22T12:00:00Z');
await sync('enrich-sync', 'enrich_sync', '0 12 * * SAT');
const seedSeconds = secs(seed0);
const sizes = await corpus.first(`SELECT
  (SELECT count(*) FROM tga_organisations) AS organisations,
  (SELECT count(*) FROM tga_training_components) AS components,
  (SELECT count(*) FROM rto_scope) AS scope_rows,
  (SELECT count(*) FROM rtos WHERE enriched = 1) AS enriched_rtos,
  (SELECT count(*) FROM cricos_courses) AS cricos_courses`);
console.log(`seeding_seconds ${seedSeconds.toFixed(1)}`);
console.log(`corpus ${Object.entries(sizes).map(([k, v]) => `${k}=${v}`).join(' ')}`);

// ---------------------------------------------------------------------------------------
// 2. A key, and the real clock from here on (the api still asks TEST_CLOCK each request).
// ---------------------------------------------------------------------------------------
platform.setClock(null);
const keyId = randomBytes(8).toString('hex');
const key = `rtp_live_${keyId}_${randomBytes(32).toString('hex')}`;
await platform.kv('RTOPACKS_OPERATIONAL_KEYS').put(`key:${keyId}`, JSON.stringify({
  id: keyId, owner: 'bench-api', scopes: ['catalogue:read'], rate_limit_per_minute: Number(HUGE),
  created_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), revoked_at: null,
  hash: createHash('sha256').update(key).digest('hex'),
}));
console.log('SEC-02 thresholds raised for the benchmark client; the gate\'s queries still run');

// ---------------------------------------------------------------------------------------
// 3. Workloads: a seeded sample of the corpus.
// ---------------------------------------------------------------------------------------
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(20261124);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const words = (s) => (s ?? '').split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 4 && !/^\d+$/.test(w));

const components = await corpus.all('SELECT code, title FROM tga_training_components WHERE is_confidential = 0 ORDER BY code');
const organisations = (await corpus.all('SELECT code, legal_name, trading_name FROM tga_organisations WHERE COALESCE(is_rto, 1) = 1 ORDER BY code'))
  .filter((o) => /^\d{1,8}$/.test(o.code));
const terms = new Set();
for (let guard = 0; terms.size < SAMPLE.search && guard < 100_000; guard++) {
  if (terms.size % 3 === 2) { // a third from organisation names, one word
    const o = pick(organisations);
    const w = words(pick([o.legal_name, o.trading_name ?? o.legal_name]));
    if (w.length) terms.add(pick(w));
  } else { // two thirds from component titles, one or two consecutive words
    const w = words(pick(components).title);
    if (!w.length) continue;
    const i = Math.floor(rand() * w.length);
    terms.add(rand() < 0.5 || i + 1 >= w.length ? w[i] : `${w[i]} ${w[i + 1]}`);
  }
}
const sample = (xs, n) => {
  const chosen = new Set();
  while (chosen.size < Math.min(n, xs.length)) chosen.add(pick(xs));
  return [...chosen];
};
const workloads = {
  search: { items: [...terms], path: (t) => `/api/v1/search?q=${encodeURIComponent(t)}` },
  components: { items: sample(components.map((c) => c.code), SAMPLE.components), path: (c) => `/api/v1/components/${encodeURIComponent(c)}` },
  rtos: { items: sample(organisations.map((o) => o.code), SAMPLE.rtos), path: (c) => `/api/v1/rtos/${encodeURIComponent(c)}` },
};
console.log(`workloads ${Object.entries(workloads).map(([k, w]) => `${k}=${w.items.length}`).join(' ')} (warm-up: first ${WARMUP} of each, untimed)`);

const headers = { Authorization: `Bearer ${key}`, 'CF-Connecting-IP': '203.0.113.9' };
const bad = []; // every non-200 of a timed workload
async function get(path, { auth = true, expect = 200, record = true } = {}) {
  const t0 = performance.now();
  const res = await platform.fetch(`${API}${path}`, { headers: auth ? headers : { 'CF-Connecting-IP': headers['CF-Connecting-IP'] } });
  const body = await res.text();
  const t = performance.now() - t0;
  if (record && res.status !== expect) bad.push({ path, status: res.status, body: body.slice(0, 200) });
  return t;
}
const lastLogId = async () => (await ops.first('SELECT COALESCE(max(id), 0) AS id FROM api_access_log')).id;
async function workerLatencies(afterId) {
  const rows = await ops.all('SELECT latency_ms FROM api_access_log WHERE id > ?1', afterId);
  return rows.map((r) => r.latency_ms);
}
async function sequential(items, path, opts) {
  for (const x of items.slice(0, WARMUP)) await get(path(x), { ...opts, record: false });
  const from = await lastLogId();
  const times = [];
  for (const x of items) times.push(await get(path(x), opts));
  return { times, worker: await workerLatencies(from) };
}
async function concurrent(items, path) {
  let next = 0;
  const t0 = performance.now();
  const lane = async () => { while (next < items.length) await get(path(items[next++])); };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return items.length / secs(t0);
}

const loadBefore = loadavg().map((x) => x.toFixed(1)).join('/');
const api = {};
for (const [name, w] of Object.entries(workloads)) {
  const bad0 = bad.length;
  const seq = await sequential(w.items, w.path);
  const rps = await concurrent(w.items, w.path);
  api[name] = {
    requests: w.items.length * 2, non_200: bad.length - bad0,
    p50_ms: pct(seq.times, 0.5), p95_ms: pct(seq.times, 0.95), requests_per_second: rps,
    worker_p50_ms: pct(seq.worker, 0.5), worker_p95_ms: pct(seq.worker, 0.95),
  };
  console.log(`api ${name.padEnd(10)} p50 ${ms(api[name].p50_ms)} ms  p95 ${ms(api[name].p95_ms)} ms  ${rps.toFixed(1)} req/s  (in-worker p50 ${ms(api[name].worker_p50_ms)} p95 ${ms(api[name].worker_p95_ms)})  non-200 ${api[name].non_200}`);
}

// Requests that stop early, through the same worker: after the gate (a keyed request for a
// path with no route: KV get, sec02_windows read + upsert, access log, 404), and before it
// (no key: 401 and the access log only).
const loadAfter = loadavg().map((x) => x.toFixed(1)).join('/');
const floors = {};
const nope = Array.from({ length: 100 }, (_, i) => i);
const gate = await sequential(nope, (i) => `/api/v1/no-such-route-${i}`, { expect: 404 });
floors.gate = { p50_ms: pct(gate.times, 0.5), p95_ms: pct(gate.times, 0.95), worker_p50_ms: pct(gate.worker, 0.5) };
const keyless = await sequential(nope, () => '/api/v1/search?q=bench', { auth: false, expect: 401 });
floors.no_key = { p50_ms: pct(keyless.times, 0.5), p95_ms: pct(keyless.times, 0.95), worker_p50_ms: pct(keyless.worker, 0.5) };

// ---------------------------------------------------------------------------------------
// 4. Direct: the same calls natively on a SQLite copy of the corpus.
// ---------------------------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'bench-api-'));
const dbFile = join(dir, 'corpus.db');
const migrations = join(ROOT, 'migrations/rtopacks-db');
const schema = readdirSync(migrations).filter((f) => f.endsWith('.sql')).sort().map((f) => readFileSync(join(migrations, f), 'utf8')).join('\n');
execFileSync('sqlite3', [dbFile], { input: schema });
// Every ordinary table of the schema (FTS5 tables and their shadow tables excluded: the
// triggers fill the index as the content tables are inserted).
const tables = execFileSync('sqlite3', [dbFile, "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '%\\_fts\\_%' ESCAPE '\\' ORDER BY name"], { encoding: 'utf8' })
  .split('\n').filter(Boolean);
const dump0 = performance.now();
let script = 'BEGIN;\n';
let dumped = 0;
const PAGE = 200_000; // one JSON file per 200,000 rows: rto_scope's millions do not fit one string
for (const t of tables) {
  for (let offset = 0, part = 0; ; offset += PAGE, part++) {
    const rows = await corpus.all(`SELECT * FROM ${t} LIMIT ${PAGE} OFFSET ?1`, offset);
    if (!rows.length) break;
    const file = join(dir, `${t}-${part}.json`);
    writeFileSync(file, JSON.stringify(rows));
    dumped += rows.length;
    const cols = Object.keys(rows[0]);
    script += `INSERT INTO ${t} (${cols.join(', ')}) SELECT ${cols.map((c) => `json_extract(value, '$.${c}')`).join(', ')} FROM json_each(readfile('${file}'));\n`;
    if (rows.length < PAGE) break;
  }
}
script += 'COMMIT;\n';
execFileSync('sqlite3', [dbFile], { input: script, maxBuffer: 1 << 30 });
const check = execFileSync('sqlite3', [dbFile, 'SELECT (SELECT count(*) FROM tga_training_components), (SELECT count(*) FROM components_fts), (SELECT count(*) FROM rto_scope)'], { encoding: 'utf8' }).trim();
console.log(`reference_copy_seconds ${secs(dump0).toFixed(1)} (${dumped} rows from ${tables.length} tables; components|fts|scope ${check})`);

const workloadFile = join(dir, 'workload.json');
writeFileSync(workloadFile, JSON.stringify({ warmup: WARMUP, ...Object.fromEntries(Object.entries(workloads).map(([k, w]) => [k, w.items])) }));
// scripts/bench-api builds the example (`cargo build --release -p rtopacks-catalogue --example
// direct`) with the workers, before any of this: the binary it left is run, so both sides
// come from the same sources even if the tree changes during a long run; without it,
// `cargo run` builds it now.
const built = join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'release', 'examples', 'direct');
const [cmd, args] = existsSync(built) && process.env.BENCH_API_DIRECT_BUILT === '1'
  ? [built, [dbFile, workloadFile]]
  : ['cargo', ['run', '--release', '-q', '-p', 'rtopacks-catalogue', '--example', 'direct', '--', dbFile, workloadFile]];
const direct = JSON.parse(execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 }));
rmSync(dir, { recursive: true, force: true }); // 2.4 GB of JSON and SQLite at full size

// ---------------------------------------------------------------------------------------
// 5. Miniflare's own floors, on a worker that does no work.
// ---------------------------------------------------------------------------------------
async function harnessFloors() {
  const mf = new Miniflare({
    modules: true,
    script: `export default { async fetch(request, env) {
      const u = new URL(request.url); const n = Number(u.searchParams.get('n') ?? 0);
      for (let i = 0; i < n; i++) {
        if (u.pathname === '/d1') await env.DB.prepare('SELECT ?1 AS x').bind(i).first();
        if (u.pathname === '/kv') await env.KV.get('key:0123456789abcdef');
        if (u.pathname === '/service') await (await env.CLOCK.fetch('http://clock/')).text();
      }
      return new Response('ok');
    } }`,
    d1Databases: ['DB'], kvNamespaces: ['KV'],
    serviceBindings: { CLOCK: () => new Response(new Date().toISOString()) },
  });
  try {
    const one = async (path) => { const t0 = performance.now(); await (await mf.dispatchFetch(`http://localhost${path}`)).text(); return performance.now() - t0; };
    const N = 200;
    for (let i = 0; i < 20; i++) await one('/noop');
    const noop = [];
    for (let i = 0; i < 300; i++) noop.push(await one('/noop'));
    const per = async (path) => {
      await one(`${path}?n=${N}`);
      const t = [];
      for (let i = 0; i < 5; i++) t.push(await one(`${path}?n=${N}`));
      return (pct(t, 0.5) - pct(noop, 0.5)) / N;
    };
    return { http_p50_ms: pct(noop, 0.5), http_p95_ms: pct(noop, 0.95), d1_statement_ms: await per('/d1'), kv_get_ms: await per('/kv'), service_call_ms: await per('/service') };
  } finally {
    await mf.dispose();
  }
}
const harness = await harnessFloors();
await platform.dispose();

// ---------------------------------------------------------------------------------------
// Figures
// ---------------------------------------------------------------------------------------
const rows = Object.keys(workloads).map((name) => {
  const a = api[name];
  const d = direct[name];
  const statements = d.statements_per_call;
  const roundTrips = d.round_trips_per_call ?? statements;
  // The best ratio any implementation could show here: HTTP dispatch and the catalogue
  // statements' D1 round trips alone (no gate, no SQL time), then with the gate's round trips.
  const trips = harness.http_p50_ms + roundTrips * harness.d1_statement_ms;
  const gateTrips = harness.service_call_ms + harness.kv_get_ms + 3 * harness.d1_statement_ms;
  return {
    workload: name, ...a, direct_p50_ms: d.p50_ms, direct_p95_ms: d.p95_ms, direct_failures: d.failures, statements, round_trips: roundTrips,
    ratio: a.p95_ms / d.p95_ms, ratio_floor: trips / d.p95_ms, ratio_floor_with_gate: (trips + gateTrips) / d.p95_ms,
    valid: a.non_200 === 0 && d.failures === 0,
  };
});
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
console.log(`\nbench-api: ${size} corpus (${sizes.organisations} organisations, ${sizes.components} components, ${sizes.scope_rows} scope rows), seeding ${seedSeconds.toFixed(1)} s, load average ${loadBefore} before the requests, ${loadAfter} after`);
console.log(`${'workload'.padEnd(11)} ${'requests'.padStart(8)} ${'p50_ms'.padStart(8)} ${'p95_ms'.padStart(8)} ${'req/s'.padStart(8)} ${'direct_p50_ms'.padStart(14)} ${'direct_p95_ms'.padStart(14)} ${'ratio'.padStart(8)} ${'floor'.padStart(6)} ${'+gate'.padStart(6)} ${'worker_p50'.padStart(11)} ${'worker_p95'.padStart(11)} ${'stmts'.padStart(6)} ${'trips'.padStart(6)}`);
for (const r of rows) {
  console.log(`${r.workload.padEnd(11)} ${String(r.requests).padStart(8)} ${ms(r.p50_ms).padStart(8)} ${ms(r.p95_ms).padStart(8)} ${r.requests_per_second.toFixed(1).padStart(8)} ${r.direct_p50_ms.toFixed(3).padStart(14)} ${r.direct_p95_ms.toFixed(3).padStart(14)} ${f2(r.ratio).padStart(8)} ${f2(r.ratio_floor).padStart(6)} ${f2(r.ratio_floor_with_gate).padStart(6)} ${ms(r.worker_p50_ms).padStart(11)} ${ms(r.worker_p95_ms).padStart(11)} ${r.statements.toFixed(1).padStart(6)} ${r.round_trips.toFixed(1).padStart(6)}${r.valid ? '' : '  INVALID (non-200 answers)'}`);
}
console.log('(p50/p95: one at a time over HTTP; req/s: 8 in flight; direct: the same catalogue calls natively on SQLite; ratio = p95 / direct p95, goal <= 3;');
console.log(' floor: (HTTP dispatch + trips x one D1 round trip) / direct p95, the best ratio possible under this harness; +gate: adding the gate\'s clock, KV and 3 D1 round trips;');
console.log(' worker: api_access_log.latency_ms, in the worker before the access log write; stmts: catalogue statements per call; trips: the D1 round trips they take, a batch being one)');
console.log(`gate_only   p50 ${ms(floors.gate.p50_ms)} ms  p95 ${ms(floors.gate.p95_ms)} ms  in-worker p50 ${ms(floors.gate.worker_p50_ms)} ms  (keyed request, no route: clock, KV key, sec02_windows read + upsert, access log)`);
console.log(`no_key      p50 ${ms(floors.no_key.p50_ms)} ms  p95 ${ms(floors.no_key.p95_ms)} ms  in-worker p50 ${ms(floors.no_key.worker_p50_ms)} ms  (401: clock and access log)`);
console.log(`harness     http_dispatch p50 ${ms(harness.http_p50_ms)} ms  p95 ${ms(harness.http_p95_ms)} ms; per D1 statement ${harness.d1_statement_ms.toFixed(3)} ms; per KV get ${harness.kv_get_ms.toFixed(3)} ms; per service call ${harness.service_call_ms.toFixed(3)} ms (no-op worker)`);
const invalid = rows.filter((r) => !r.valid);
if (invalid.length) {
  console.log(`non_200 ${bad.length}: ${invalid.map((r) => r.workload).join(', ')} INVALID`);
  for (const b of bad.slice(0, 3)) console.log(`  ${b.status} ${b.path} ${b.body}`);
  for (const r of rows) for (const f of direct[r.workload].first_failures ?? []) console.log(`  direct: ${f}`);
} else {
  console.log('non_200 0');
}
console.log(`json ${JSON.stringify({ size, seeding_seconds: seedSeconds, corpus: sizes, workloads: rows, gate: floors.gate, no_key: floors.no_key, harness })}`);
