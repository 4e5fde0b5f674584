// cricos-sync under Miniflare: the cron starts a cycle that chains itself through
// cricos-sync-queue against the CKAN fake, fills the CRICOS layer, and mails the cycle.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPlatform } from './harness/platform.mjs';
import { createFakes } from './fakes/index.mjs';

const TOKEN = 'test-trigger-token';
let platform, fakes, corpus, ops;

before(async () => {
  fakes = createFakes({ size: 'small' });
  platform = await startPlatform({
    workers: ['cricos-sync'],
    now: '2026-11-01T18:00:00Z',
    outbound: fakes.fetch,
    bindings: { 'cricos-sync': { TRIGGER_TOKEN: TOKEN, PAGES_PER_INVOCATION: '2', CKAN_PAGE_SIZE: '100' } },
  });
  corpus = platform.d1('rtopacks-db');
  ops = platform.d1('ops-db');
});
after(() => platform?.dispose());

/** The newest run once it has left `running` (the chain runs on its own through the queue). */
async function settled(previous = null) {
  for (let i = 0; i < 2400; i++) { // up to 60 s: failing fetches back off for real (0.5 s, 1 s)
    const run = await ops.first('SELECT run_id, status FROM sync_runs ORDER BY created_at DESC, run_id DESC LIMIT 1');
    if (run && run.run_id !== previous && run.status !== 'running') return run;
    await new Promise((r) => setTimeout(r, 25));
  }
  const runs = await ops.all('SELECT run_id, status, created_at FROM sync_runs ORDER BY created_at');
  const cursor = await ops.all('SELECT * FROM cricos_sync_cursor');
  assert.fail(`the cycle did not finish: ${JSON.stringify({ previous, runs, cursor })}`);
}
const count = async (sql) => (await corpus.first(sql)).n;
const steps = (runId) => ops.all('SELECT step, status, records_in, records_out, error FROM tga_sync_steps WHERE run_id = ?1 ORDER BY id', runId);

test('the monthly cron fills the CRICOS layer, phase by phase, and mails the cycle', async () => {
  const expected = fakes.corpus.counts().cricos;
  await platform.scheduled('cricos-sync', { cron: '0 18 1 * *' });
  const run = await settled();
  assert.equal(run.status, 'complete', JSON.stringify(await steps(run.run_id)));
  assert.equal(await count('SELECT count(*) AS n FROM cricos_institutions'), expected.institutions);
  assert.equal(await count('SELECT count(*) AS n FROM cricos_courses'), expected.courses);
  assert.equal(await count('SELECT count(*) AS n FROM cricos_locations'), expected.locations);
  assert.ok(await count('SELECT count(*) AS n FROM cricos_course_locations') > 0);
  const names = (await steps(run.run_id)).map((s) => `${s.step}:${s.status}`);
  assert.deepEqual(names, ['volume_check_institutions:complete', 'volume_check_courses:complete', 'ingest_institutions:complete',
    'ingest_courses:complete', 'ingest_locations:complete', 'ingest_course_locations:complete', 'init:complete']);
  // Every course's VET National Code names a qualification; fees became cents.
  assert.equal(await count("SELECT count(*) AS n FROM cricos_courses WHERE tuition_fee_cents IS NULL OR tuition_fee_cents <= 0"), 0);
  const mail = (await platform.outbox()).at(-1);
  assert.equal(mail.subject, '[cricos-sync] cycle complete');
  assert.equal(mail.status, 'recorded', 'no Resend key here: recorded, never sent');
  assert.match(mail.text, /ingest_courses: complete — in \d+, out \d+/);
});

test('a month later an unchanged register is skipped and nothing is duplicated', async () => {
  const before = await count('SELECT count(*) AS n FROM cricos_courses');
  const first = await settled();
  platform.setClock('2026-12-01T18:00:00Z');
  await platform.scheduled('cricos-sync', { cron: '0 18 1 * *' });
  const run = await settled(first.run_id);
  assert.equal(run.status, 'complete');
  assert.equal(await count('SELECT count(*) AS n FROM cricos_courses'), before);
  const ingest = (await steps(run.run_id)).find((s) => s.step === 'ingest_courses');
  assert.equal(ingest.records_out, 0, 'last_modified unchanged: skipped');
  assert.equal((await ops.all('SELECT * FROM regulatory_events WHERE run_id = ?1', run.run_id)).length, 0);
});

test('POST /trigger needs the bearer token; errors use the JSON envelope', async () => {
  const anon = await platform.fetchWorker('cricos-sync', '/trigger', { method: 'POST' });
  assert.equal(anon.status, 401);
  assert.deepEqual(await anon.json(), { errors: [{ detail: 'a valid bearer token is required' }] });
  const wrong = await platform.fetchWorker('cricos-sync', '/trigger', { method: 'POST', headers: { Authorization: 'Bearer nope' } });
  assert.equal(wrong.status, 401);
  assert.equal((await platform.fetchWorker('cricos-sync', '/trigger')).status, 405);
  assert.equal((await platform.fetchWorker('cricos-sync', '/elsewhere')).status, 404);
});

test('an upstream that keeps failing leaves failed steps with the error; /trigger then runs a clean cycle', async () => {
  const last = await settled();
  platform.setClock('2027-01-01T18:00:00Z');
  fakes.setVersion(2); // the register changed: nothing is skipped
  fakes.inject({ host: 'data.gov.au', path: '/data/api/3/action/datastore_search', kind: 'http500' });
  await platform.scheduled('cricos-sync', { cron: '0 18 1 * *' });
  const run = await settled(last.run_id);
  assert.equal(run.status, 'partial');
  const failed = (await steps(run.run_id)).filter((s) => s.status === 'failed');
  assert.ok(failed.length >= 1);
  assert.match(failed[0].error, /HTTP 500 after 3 attempt\(s\)/);

  fakes.clear();
  const res = await platform.fetchWorker('cricos-sync', '/trigger', { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 202);
  const body = await res.json();
  assert.equal(body.status, 'dispatched');
  // The failed cycle had finished (partial), so the trigger starts a new, manual one.
  const again = await settled(run.run_id);
  assert.equal(again.run_id, body.run_id);
  assert.equal(again.status, 'complete');
  assert.equal((await ops.first('SELECT triggered_by FROM sync_runs WHERE run_id = ?1', again.run_id)).triggered_by, 'manual');
});
