// Every wrangler config deploys (dry run, offline) from the worker already built by
// scripts/test, without rebuilding it, and declares what the seeds require of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const configs = readdirSync(join(root, 'wrangler')).filter((f) => f.endsWith('.toml'));

for (const file of configs) {
  test(`wrangler deploy --dry-run: ${file}`, () => {
    const stem = file.replace(/\.toml$/, '');
    const wasm = join(root, 'workers', stem, 'build', 'index_bg.wasm');
    const before = statSync(wasm).mtimeMs;
    const out = execFileSync(
      join(root, 'node_modules/.bin/wrangler'),
      ['deploy', '--dry-run', '-c', `wrangler/${file}`, '--outdir', mkdtempSync(join(tmpdir(), 'dry-'))],
      { cwd: root, encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false', RTOPACKS_BUILD_PROFILE: process.env.RTOPACKS_BUILD_PROFILE ?? 'fast' } },
    );
    assert.match(out, /--dry-run: exiting now/);
    assert.equal(statSync(wasm).mtimeMs, before, 'the dry run rebuilt a worker that was already built');
  });
}

test('every migrations_dir named in wrangler/ exists and each D1 database keeps one id', () => {
  const ids = new Map();
  for (const file of configs) {
    const cfg = parse(readFileSync(join(root, 'wrangler', file), 'utf8'));
    const envs = [cfg, ...Object.values(cfg.env ?? {})];
    for (const d of envs.flatMap((e) => e.d1_databases ?? [])) {
      if (d.migrations_dir) statSync(join(root, 'wrangler', d.migrations_dir));
      const seen = ids.get(d.database_name);
      assert.ok(!seen || seen === d.database_id, `${d.database_name} has two ids (${seen}, ${d.database_id})`);
      ids.set(d.database_name, d.database_id);
    }
  }
});

test('wrangler d1 migrations apply --local works for every database under migrations/', () => {
  // Some databases (engine-db-oc, rto-intake-db) are bound only by workers of later issues,
  // so a throwaway config names every migrations folder; the SQL is what is under test.
  const dbs = readdirSync(join(root, 'migrations')).filter((d) =>
    readdirSync(join(root, 'migrations', d)).some((f) => f.endsWith('.sql')));
  const dir = mkdtempSync(join(tmpdir(), 'mig-'));
  const config = join(dir, 'wrangler.toml');
  writeFileSync(config, ['name = "migrations-check"', 'main = "index.js"', 'compatibility_date = "2026-04-01"',
    ...dbs.flatMap((d, i) => ['[[d1_databases]]', `binding = "DB${i}"`, `database_name = "${d}"`,
      `database_id = "00000000-0000-0000-0000-00000000000${i}"`, `migrations_dir = "${join(root, 'migrations', d)}"`])].join('\n'));
  for (const d of dbs) {
    const out = execFileSync(join(root, 'node_modules/.bin/wrangler'),
      ['d1', 'migrations', 'apply', d, '--local', '-c', config, '--persist-to', join(dir, 'state')],
      { cwd: dir, encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' } });
    for (const f of readdirSync(join(root, 'migrations', d)).filter((f) => f.endsWith('.sql'))) {
      assert.ok(out.includes(f), `${d}: ${f} not applied\n${out}`);
    }
  }
  assert.ok(['rtopacks-db', 'ops-db', 'engine-db-oc', 'rto-intake-db'].every((d) => dbs.includes(d)), dbs.join());
});
