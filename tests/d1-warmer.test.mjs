// rtopacks-d1-warmer under Miniflare: its cron warms every bound database, sweeps steps
// stuck `running` for more than five minutes (OBS-WATCHDOG-01) and writes a heartbeat.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPlatform } from './harness/platform.mjs';

const NOW = '2026-11-24T10:00:00.000Z';
const minutesAgo = (m) => new Date(Date.parse(NOW) - m * 60_000).toISOString().slice(0, 19) + 'Z';
let platform, ops;

before(async () => {
  platform = await startPlatform({ workers: ['d1-warmer'], now: NOW });
  ops = platform.d1('ops-db');
});
after(() => platform?.dispose());

async function running(runId, step, startedAt, error = null) {
  await ops.run(
    `INSERT INTO tga_sync_steps (run_id, sync_type, step, status, triggered_by, error, started_at, created_at)
     VALUES (?1, 'tga_sync', ?2, 'running', 'cron', ?3, ?4, ?4)`,
    runId, step, error, startedAt,
  );
}
const step = (runId, name) =>
  ops.first('SELECT status, error, completed_at FROM tga_sync_steps WHERE run_id = ?1 AND step = ?2', runId, name);

test('the cron sweeps a step started 6 minutes ago, not one started 4 minutes ago, and keeps an existing error', async () => {
  await running('run-a', 'sync_training', minutesAgo(6));
  await running('run-a', 'sync_orgs', minutesAgo(4));
  await running('run-b', 'training_refresh', minutesAgo(30), 'isolate killed at page 7');

  const { outcome } = await platform.scheduled('d1-warmer', { cron: '*/10 * * * *', scheduledTime: new Date(NOW) });
  assert.equal(outcome, 'ok');

  const swept = await step('run-a', 'sync_training');
  assert.equal(swept.status, 'timed_out');
  assert.equal(swept.error, 'watchdog_swept: stuck running > 5 minutes');
  assert.equal(swept.completed_at, '2026-11-24T10:00:00Z', 'completed_at is ISO from the injected clock');
  assert.equal((await step('run-a', 'sync_orgs')).status, 'running');
  const kept = await step('run-b', 'training_refresh');
  assert.deepEqual([kept.status, kept.error], ['timed_out', 'isolate killed at page 7']);

  const log = await ops.all("SELECT source, level, detail FROM ops_log WHERE source = 'd1-warmer'");
  assert.equal(log.length, 1);
  assert.equal(JSON.parse(log[0].detail).swept, 2);
});

test('moving the clock on sweeps the row that was too young before', async () => {
  platform.setClock('2026-11-24T10:02:00.000Z');
  await platform.scheduled('d1-warmer', { cron: '*/10 * * * *', scheduledTime: new Date('2026-11-24T10:02:00Z') });
  assert.equal((await step('run-a', 'sync_orgs')).status, 'timed_out');
});

test('the heartbeat records the warm-up of every bound database', async () => {
  const beat = JSON.parse(await platform.kv('SESSION_KV', 'd1-warmer').get('heartbeat:d1-warmer'));
  assert.equal(beat.at, '2026-11-24T10:02:00Z');
  assert.ok(beat.warmed.RTOPACKS_DB > 10, `rtopacks-db tables: ${beat.warmed.RTOPACKS_DB}`);
  assert.ok(beat.warmed.OPS_DB > 10, `ops-db tables: ${beat.warmed.OPS_DB}`);
  assert.equal(beat.warmed.ABS_DB, 0, 'abs-db-oc is bound and answers, with no tables yet');
});
