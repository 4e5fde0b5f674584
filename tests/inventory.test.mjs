// The README's worker inventory must match wrangler/*.toml, and no wrangler file may
// declare the test-only TEST_CLOCK binding (production reads the real clock).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readConfigs, inventoryTable } from './harness/inventory.mjs';
import { ROOT } from './harness/workers.mjs';

test('README inventory block matches wrangler/*.toml', () => {
  const r = spawnSync('bash', [join(ROOT, 'scripts/inventory'), '--check', join(ROOT, 'README.md')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

// Walks every table and array, so [env.*], services, vars, etc. are all covered.
function mentionsTestClock(value) {
  if (Array.isArray(value)) return value.some(mentionsTestClock);
  if (value && typeof value === 'object') {
    return Object.entries(value).some(([k, v]) => k === 'TEST_CLOCK' || (k === 'binding' && v === 'TEST_CLOCK') || mentionsTestClock(v));
  }
  return false;
}

test('no wrangler file declares a TEST_CLOCK binding', () => {
  for (const { stem, config } of readConfigs()) assert.ok(!mentionsTestClock(config), `wrangler/${stem}.toml declares TEST_CLOCK`);
});

test('inventory rows describe queues, crons, dispatch and routes', () => {
  const table = inventoryTable(join(ROOT, 'tests/harness/fixtures/wrangler'));
  assert.match(table, /\| harness-fixture \| workers\/fixture \| fixture-db \| CACHE \| — \| → fixture-jobs, ← fixture-jobs \| `\*\/10 \* \* \* \*` \| Direct cron \+ Queue consumer \(fixture-jobs, DLQ: fixture-jobs-dlq\) \+ HTTP \| `fixture.example.test` \|/);
  assert.match(table, /\| harness-peer \| workers\/peer \| fixture-db \| — \| — \| — \| — \| HTTP \| `peer.example.test\/\*` \|/);
});
