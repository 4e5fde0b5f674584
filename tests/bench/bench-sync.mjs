// scripts/bench-sync: a first sync at full scale under Miniflare (release builds, upstream
// fakes), printed as figures: wall time per phase, invocations, rows written per second,
// and the same rows bulk-inserted straight into SQLite in the same run (`ratio`).
// A benchmark, not a test: it asserts nothing and never runs in CI.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startPlatform } from '../harness/platform.mjs';
import { createFakes } from '../fakes/index.mjs';
import { ROOT } from '../harness/workers.mjs';

const size = process.argv.includes('--small') ? 'small' : 'full';
const TABLES = ['cricos_institutions', 'cricos_courses', 'cricos_locations', 'cricos_course_locations'];

const fakes = createFakes({ size });
const platform = await startPlatform({ workers: ['cricos-sync'], now: '2026-11-01T18:00:00Z', outbound: fakes.fetch });
const ops = platform.d1('ops-db');
const corpus = platform.d1('rtopacks-db');

// Watch the steps as they move (node time, millisecond resolution).
const seen = new Map();
const t0 = performance.now();
await platform.scheduled('cricos-sync', { cron: '0 18 1 * *' });
let run;
for (;;) {
  const rows = await ops.all('SELECT step, status FROM tga_sync_steps');
  const now = performance.now();
  for (const r of rows) {
    const s = seen.get(r.step) ?? {};
    if (r.status === 'running' && !s.start) s.start = now;
    if (['complete', 'failed'].includes(r.status) && !s.end) { s.end = now; s.start ??= now; s.status = r.status; }
    seen.set(r.step, s);
  }
  run = await ops.first('SELECT run_id, status FROM sync_runs');
  if (run && run.status !== 'running') break;
  if (now - t0 > 30 * 60_000) throw new Error('no end after 30 minutes');
  await new Promise((r) => setTimeout(r, 50));
}
const wall = (performance.now() - t0) / 1000;
const cursor = await ops.first('SELECT phase_state FROM cricos_sync_cursor');
const invocations = JSON.parse(cursor.phase_state).seq - 1;
const counts = {};
for (const t of TABLES) counts[t] = (await corpus.first(`SELECT count(*) AS n FROM ${t}`)).n;
const rowsWritten = Object.values(counts).reduce((a, b) => a + b, 0);

// Reference: the very rows, bulk-inserted into SQLite (same schema) in one transaction.
const dir = mkdtempSync(join(tmpdir(), 'bench-sync-'));
const db = join(dir, 'ref.db');
const migrations = join(ROOT, 'migrations/rtopacks-db');
const schema = readdirSync(migrations).filter((f) => f.endsWith('.sql')).sort().map((f) => readFileSync(join(migrations, f), 'utf8')).join('\n');
execFileSync('sqlite3', [db], { input: schema });
let script = 'BEGIN;\n';
for (const t of TABLES) {
  const rows = await corpus.all(`SELECT * FROM ${t}`);
  const file = join(dir, `${t}.json`);
  writeFileSync(file, JSON.stringify(rows));
  const cols = Object.keys(rows[0]);
  script += `INSERT INTO ${t} (${cols.join(', ')}) SELECT ${cols.map((c) => `json_extract(value, '$.${c}')`).join(', ')} FROM json_each(readfile('${file}'));\n`;
}
script += 'COMMIT;\n';
const r0 = performance.now();
execFileSync('sqlite3', [db], { input: script });
const refSeconds = (performance.now() - r0) / 1000;

const rate = rowsWritten / wall;
const refRate = rowsWritten / refSeconds;
console.log(`bench-sync: cricos-sync first cycle, ${size} corpus, run ${run.run_id} (${run.status})`);
console.log(`${'phase'.padEnd(28)} ${'seconds'.padStart(9)}  status`);
for (const [step, s] of seen) {
  if (step === 'init') continue;
  console.log(`${step.padEnd(28)} ${(((s.end ?? s.start) - s.start) / 1000).toFixed(2).padStart(9)}  ${s.status ?? '?'}`);
}
for (const [t, n] of Object.entries(counts)) console.log(`rows ${t.padEnd(26)} ${String(n).padStart(8)}`);
console.log(`wall_seconds ${wall.toFixed(2)}`);
console.log(`invocations ${invocations}`);
console.log(`rows_per_second ${rate.toFixed(0)}`);
console.log(`sqlite_reference_rows_per_second ${refRate.toFixed(0)}`);
console.log(`ratio ${(rate / refRate).toFixed(3)}`);
await platform.dispose();
