// scripts/bench-sync: first syncs at full scale under Miniflare (release builds, upstream
// fakes), printed as figures per sync: wall time per phase, invocations, the largest single
// invocation's D1 query count, rows written per second, and the same rows bulk-inserted
// straight into SQLite in the same run (`ratio`). Then the time to enrich every RTO
// (enrich-sync's sweep) and the coverage it reaches.
// A benchmark, not a test: it asserts nothing and never runs in CI.
//   node tests/bench/bench-sync.mjs [--small] [--only cricos|tga|enrich]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startPlatform } from '../harness/platform.mjs';
import { createFakes, DEFAULT_CREDENTIALS } from '../fakes/index.mjs';
import { ROOT } from '../harness/workers.mjs';
import { outboundFloor } from './floor.mjs';

const size = process.argv.includes('--small') ? 'small' : 'full';
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
const NOW = '2026-11-21T16:00:00Z';
const SYNCS = {
  cricos: { worker: 'cricos-sync', type: 'cricos_sync', cron: '0 18 1 * *',
    tables: ['cricos_institutions', 'cricos_courses', 'cricos_locations', 'cricos_course_locations'] },
  tga: { worker: 'tga-sync', type: 'tga_sync', cron: '0 16 * * SAT',
    tables: ['tga_training_components', 'tga_component_releases', 'tga_qualification_units', 'tga_component_mappings',
      'qualification_statuses', 'tga_organisations', 'org_statuses', 'rtos'] },
  enrich: { worker: 'enrich-sync', type: 'enrich_sync', cron: '0 12 * * SAT',
    tables: ['rto_contacts', 'rto_addresses', 'rto_trading_names', 'rto_web_addresses', 'rto_legal_names',
      'rto_registrations', 'rto_classifications', 'rto_scope'] },
};

const fakes = createFakes({ size, baseDate: NOW });
const platform = await startPlatform({
  workers: ['cricos-sync', 'tga-sync', 'enrich-sync'], now: NOW, outbound: fakes.fetch,
  bindings: { 'tga-sync': { TGA_USERNAME: DEFAULT_CREDENTIALS.username, TGA_PASSWORD: DEFAULT_CREDENTIALS.password } },
});
const ops = platform.d1('ops-db');
const corpus = platform.d1('rtopacks-db');

async function run(name) {
  const s = SYNCS[name];
  const seen = new Map();
  const calls0 = fakes.count();
  const t0 = performance.now();
  await platform.scheduled(s.worker, { cron: s.cron });
  let r;
  for (;;) {
    const rows = await ops.all("SELECT step, status FROM tga_sync_steps WHERE sync_type = ?1 AND run_id = (SELECT max(run_id) FROM sync_runs WHERE sync_type = ?1)", s.type);
    const now = performance.now();
    for (const x of rows) {
      const p = seen.get(x.step) ?? {};
      if (x.status === 'running' && !p.start) p.start = now;
      if (['complete', 'failed'].includes(x.status) && !p.end) { p.end = now; p.start ??= now; p.status = x.status; }
      seen.set(x.step, p);
    }
    r = await ops.first('SELECT run_id, status FROM sync_runs WHERE sync_type = ?1 ORDER BY created_at DESC LIMIT 1', s.type);
    if (r && r.status !== 'running') break;
    if (now - t0 > 120 * 60_000) throw new Error(`${name}: no end after 120 minutes`);
    // Polling goes through Miniflare's synchronous proxy and blocks node (and so the
    // fakes) while it waits: often enough for phase times, rarely enough not to slow the run.
    await new Promise((res) => setTimeout(res, 500));
  }
  const wall = (performance.now() - t0) / 1000;
  const calls = fakes.count() - calls0;
  const inv = await ops.first("SELECT count(*) AS n, max(json_extract(detail, '$.queries')) AS q FROM ops_log WHERE run_id = ?1 AND message LIKE '%D1 queries'", r.run_id);
  const counts = {};
  for (const t of s.tables) counts[t] = (await corpus.first(`SELECT count(*) AS n FROM ${t}`)).n;
  const written = Object.values(counts).reduce((a, b) => a + b, 0);
  const ref = await reference(s.tables);
  console.log(`\nbench-sync: ${s.worker} first cycle, ${size} corpus, run ${r.run_id} (${r.status})`);
  console.log(`${'phase'.padEnd(28)} ${'seconds'.padStart(9)}  status`);
  for (const [step, p] of seen) {
    if (step === 'init') continue;
    console.log(`${step.padEnd(28)} ${(((p.end ?? p.start) - p.start) / 1000).toFixed(2).padStart(9)}  ${p.status ?? '?'}`);
  }
  for (const [t, n] of Object.entries(counts)) console.log(`rows ${t.padEnd(26)} ${String(n).padStart(9)}`);
  console.log(`wall_seconds ${wall.toFixed(2)}`);
  console.log(`invocations ${inv.n}`);
  console.log(`max_d1_queries_per_invocation ${inv.q}`);
  console.log(`rows_per_second ${(written / wall).toFixed(0)}`);
  console.log(`sqlite_reference_rows_per_second ${(written / ref).toFixed(0)}`);
  console.log(`ratio ${((written / wall) / (written / ref)).toFixed(3)}`);
  // Upstream round trips alone, through the same harness: the best ratio any sync making
  // this many calls could reach here.
  const floor = await outboundFloor(calls);
  console.log(`upstream_calls ${calls}`);
  console.log(`outbound_floor_seconds ${floor.toFixed(2)}`);
  console.log(`ratio_ceiling ${(ref / floor).toFixed(3)}`);
  return { wall };
}

// The very rows, bulk-inserted into SQLite (same schema) in one transaction: seconds.
async function reference(tables) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sync-'));
  const db = join(dir, 'ref.db');
  const migrations = join(ROOT, 'migrations/rtopacks-db');
  const schema = readdirSync(migrations).filter((f) => f.endsWith('.sql')).sort().map((f) => readFileSync(join(migrations, f), 'utf8')).join('\n');
  execFileSync('sqlite3', [db], { input: schema });
  let script = 'BEGIN;\n';
  for (const t of tables) {
    // Paged, and one JSON file per 200,000 rows: rto_scope's millions do not fit one string.
    for (let offset = 0, part = 0; ; offset += 200_000, part++) {
      const rows = await corpus.all(`SELECT * FROM ${t} LIMIT 200000 OFFSET ?1`, offset);
      if (!rows.length) break;
      const file = join(dir, `${t}-${part}.json`);
      writeFileSync(file, JSON.stringify(rows));
      const cols = Object.keys(rows[0]);
      script += `INSERT INTO ${t} (${cols.join(', ')}) SELECT ${cols.map((c) => `json_extract(value, '$.${c}')`).join(', ')} FROM json_each(readfile('${file}'));\n`;
      if (rows.length < 200_000) break;
    }
  }
  script += 'COMMIT;\n';
  const r0 = performance.now();
  execFileSync('sqlite3', [db], { input: script, maxBuffer: 1 << 30 });
  return (performance.now() - r0) / 1000;
}

for (const name of ['cricos', 'tga', 'enrich']) {
  if (only && only !== name && !(only === 'enrich' && name === 'tga')) continue;
  if (name === 'enrich') platform.setClock('2026-11-22T12:00:00Z');
  const { wall } = await run(name);
  if (name === 'enrich') {
    const c = await corpus.first('SELECT (SELECT count(*) FROM rtos WHERE enriched = 1) AS enriched, (SELECT count(*) FROM tga_organisations WHERE deleted_at IS NULL) AS organisations');
    console.log(`enrich_all_rtos_seconds ${wall.toFixed(2)}`);
    console.log(`coverage ${c.enriched}/${c.organisations} = ${(100 * c.enriched / c.organisations).toFixed(2)}%`);
  }
}
await platform.dispose();
