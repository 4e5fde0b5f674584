// enrich-sync under Miniflare: after tga-sync has filled the register, the weekly sweep
// enriches every organisation from the TGA REST fake through enrich-sync-queue (coverage
// 100%), passes over a failing code without stopping, leaves fresh enrichments alone on
// the next run, and BACKFILL-01 queues the unenriched codes for tga-ingest.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPlatform } from './harness/platform.mjs';
import { createFakes, DEFAULT_CREDENTIALS } from './fakes/index.mjs';
import { settled } from './harness/expect.mjs';

const TOKEN = 'test-trigger-token';
let platform, fakes, corpus, ops;

before(async () => {
  const now = '2026-11-21T16:00:00Z';
  fakes = createFakes({ size: 'small', baseDate: now, now: () => platform?.now() ?? new Date(now) });
  platform = await startPlatform({
    workers: ['tga-sync', 'enrich-sync', 'tga-ingest'],
    now,
    outbound: fakes.fetch,
    bindings: {
      'tga-sync': { TRIGGER_TOKEN: TOKEN, TGA_USERNAME: DEFAULT_CREDENTIALS.username, TGA_PASSWORD: DEFAULT_CREDENTIALS.password },
      'enrich-sync': { TRIGGER_TOKEN: TOKEN, ENRICH_CODES_PER_INVOCATION: '15' },
      'tga-ingest': { INGEST_RETRY_BASE_SECONDS: '0' },
    },
  });
  corpus = platform.d1('rtopacks-db');
  ops = platform.d1('ops-db');
});
after(() => platform?.dispose());

const n = async (sql, ...args) => (await corpus.first(sql, ...args)).n;

test('the weekly sweep enriches every organisation, passing over one that fails', async () => {
  await platform.scheduled('tga-sync', { cron: '0 16 * * SAT' });
  assert.equal((await settled(ops, 'tga_sync')).status, 'complete');
  const orgs = await n('SELECT count(*) AS n FROM tga_organisations WHERE deleted_at IS NULL');
  assert.equal(await n('SELECT count(*) AS n FROM rtos WHERE enriched = 1'), 0, 'tga-sync writes base rows only');

  // One organisation's REST answers fail all day: it is logged and passed over.
  const [broken] = await corpus.all("SELECT code FROM tga_organisations WHERE is_rto = 1 ORDER BY code LIMIT 1 OFFSET 7");
  fakes.inject({ host: 'training.gov.au', path: `/api/organisation/${broken.code}`, kind: 'http500' });
  platform.setClock('2026-11-22T12:00:00Z');
  await platform.scheduled('enrich-sync', { cron: '0 12 * * SAT' });
  const run = await settled(ops, 'enrich_sync');
  fakes.clear();
  assert.equal(run.status, 'complete');
  const step = await ops.first("SELECT records_in, records_out FROM tga_sync_steps WHERE run_id = ?1 AND step = 'enrich_batch'", run.run_id);
  assert.equal(step.records_in, orgs);
  assert.equal(step.records_out, orgs - 1);
  assert.equal(await n("SELECT count(*) AS n FROM rtos WHERE enriched = 1 AND enriched_by = 'enrich_sync'"), orgs - 1);
  assert.equal(await n('SELECT count(*) AS n FROM rtos WHERE rto_code = ?1 AND enriched = 0', broken.code), 1);
  const warn = await ops.first("SELECT message FROM ops_log WHERE run_id = ?1 AND level = 'warn'", run.run_id);
  assert.match(warn.message, new RegExp(`^${broken.code}: enrichment failed, passed over: .*HTTP 500`));

  // Every RTO's whole scope is in (the largest ones span several invocations).
  const rtos = await corpus.all('SELECT code FROM tga_organisations WHERE is_rto = 1 AND deleted_at IS NULL AND code <> ?1', broken.code);
  const want = rtos.reduce((sum, r) => sum + fakes.corpus.scopeCount(r.code), 0);
  assert.equal(await n('SELECT count(*) AS n FROM rto_scope WHERE rto_code <> ?1', broken.code), want);
  assert.equal(await n("SELECT count(*) AS n FROM enrich_ingest_runs WHERE status = 'complete'"), orgs - 1);
  const worst = await ops.first("SELECT max(json_extract(detail, '$.queries')) AS q FROM ops_log WHERE run_id = ?1 AND message LIKE '%D1 queries'", run.run_id);
  assert.ok(worst.q < 1000, `largest invocation ${worst.q} queries`);
});

test('the next sweep leaves fresh enrichments alone and picks up only what is due', async () => {
  const previous = (await settled(ops, 'enrich_sync')).run_id;
  platform.setClock('2026-11-22T13:00:00Z');
  const res = await platform.fetchWorker('enrich-sync', '/trigger', { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 202);
  const run = await settled(ops, 'enrich_sync', previous);
  const step = await ops.first("SELECT records_in, records_out FROM tga_sync_steps WHERE run_id = ?1 AND step = 'enrich_batch'", run.run_id);
  assert.deepEqual([step.records_in, step.records_out], [1, 1], 'only the one that failed last time');
  assert.equal(await n('SELECT count(*) AS n FROM rtos WHERE enriched = 0'), 0, 'coverage 100%');
});

test('BACKFILL-01 queues every unenriched code for tga-ingest', async () => {
  const codes = (await corpus.all('SELECT rto_code FROM rtos ORDER BY rto_code LIMIT 5')).map((r) => r.rto_code);
  await corpus.run("UPDATE rtos SET enriched = 0 WHERE rto_code IN (SELECT value FROM json_each(?1))", JSON.stringify(codes));
  assert.equal((await platform.fetchWorker('enrich-sync', '/backfill', { method: 'POST' })).status, 401);
  assert.equal((await platform.fetchWorker('enrich-sync', '/backfill')).status, 405);
  const res = await platform.fetchWorker('enrich-sync', '/backfill', { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 202);
  assert.deepEqual(await res.json(), { queued: 5 });
  for (let i = 0; i < 800; i++) {
    if (await n("SELECT count(*) AS n FROM rtos WHERE enriched = 1 AND enriched_by = 'backfill'") === 5) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal(await n("SELECT count(*) AS n FROM rtos WHERE enriched = 1 AND enriched_by = 'backfill'"), 5);
  assert.equal(await n("SELECT count(*) AS n FROM tga_ingest_runs WHERE run_id LIKE 'backfill:%' AND status = 'complete'"), 5);
});
