// tga-sync under Miniflare against the TGA SOAP fake: the weekly cron fills the TGA layer
// phase by phase through tga-sync-queue; next week's register arrives as a delta with its
// regulatory events; faults end in failed steps (never half-written pages), SENTINEL-02
// holds back deletions, and a dead isolate is swept by the watchdog and resumed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startPlatform } from './harness/platform.mjs';
import { createFakes, DEFAULT_CREDENTIALS } from './fakes/index.mjs';

const TOKEN = 'test-trigger-token';
const SOAP = 'ws.training.gov.au';
let platform, fakes, corpus, ops, clock;

before(async () => {
  clock = new Date('2026-11-21T16:00:00Z');
  // Version 1 is the register as of the first cycle; each version is the week after.
  fakes = createFakes({ size: 'small', baseDate: clock.toISOString(), now: () => clock });
  platform = await startPlatform({
    workers: ['tga-sync', 'd1-warmer'],
    now: clock.toISOString(),
    outbound: fakes.fetch,
    bindings: {
      'tga-sync': {
        TRIGGER_TOKEN: TOKEN, TGA_USERNAME: DEFAULT_CREDENTIALS.username, TGA_PASSWORD: DEFAULT_CREDENTIALS.password,
        TGA_PAGE_SIZE: '100', TGA_DETAILS_PER_INVOCATION: '200', TGA_REFRESH_PER_CYCLE: '150',
      },
    },
  });
  corpus = platform.d1('rtopacks-db');
  ops = platform.d1('ops-db');
});
after(() => platform?.dispose());

function setClock(iso) {
  clock = new Date(iso);
  platform.setClock(iso);
}

/** The newest tga_sync run once it has left `running`. */
async function settled(previous = null) {
  for (let i = 0; i < 4800; i++) { // up to 120 s: failing fetches back off for real
    const run = await ops.first("SELECT run_id, status FROM sync_runs WHERE sync_type = 'tga_sync' ORDER BY created_at DESC, run_id DESC LIMIT 1");
    if (run && run.run_id !== previous && run.status !== 'running') return run;
    await new Promise((r) => setTimeout(r, 25));
  }
  const cursor = await ops.all('SELECT * FROM tga_sync_cursor');
  assert.fail(`the cycle did not finish: ${JSON.stringify({ previous, cursor })}`);
}
const lastRun = async () => (await ops.first("SELECT run_id FROM sync_runs WHERE sync_type = 'tga_sync' ORDER BY created_at DESC, run_id DESC LIMIT 1"))?.run_id ?? null;
const count = async (sql, ...args) => (await corpus.first(sql, ...args)).n;
const steps = (runId) => ops.all('SELECT step, status, records_in, records_out, error FROM tga_sync_steps WHERE run_id = ?1 ORDER BY id', runId);
const events = (runId) => ops.all('SELECT event_type, entity_type, entity_code FROM regulatory_events WHERE run_id = ?1 ORDER BY id', runId);
async function cycle(iso, { trigger = false } = {}) {
  const previous = await lastRun();
  setClock(iso);
  if (trigger) {
    const res = await platform.fetchWorker('tga-sync', '/trigger', { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 202);
  } else {
    await platform.scheduled('tga-sync', { cron: '0 16 * * SAT' });
  }
  return settled(previous);
}

/** Everything sync writes that a re-run must reproduce (timestamps of the run excluded). */
async function fingerprint(parts = 6) {
  const q = async (sql) => JSON.stringify(await corpus.all(sql));
  return (await Promise.all([
    await q('SELECT code, component_type, title, is_current, usage_recommendation, training_package_code, aqf_level, latest_release_number, superseded_by, deleted_at FROM tga_training_components ORDER BY code'),
    await q('SELECT qualification_code, unit_code, is_essential, release_number FROM tga_qualification_units ORDER BY qualification_code, unit_code'),
    await q('SELECT code, mapped_code, mapped_title, is_equivalent, notes FROM tga_component_mappings ORDER BY code, mapped_code'),
    await q('SELECT code, legal_name, trading_name, status, registration_end_date, restrictions, deleted_at FROM tga_organisations ORDER BY code'),
    await q('SELECT code, status, previous_status FROM qualification_statuses ORDER BY code'),
    await q('SELECT rto_code, status, restricted FROM rtos ORDER BY rto_code'),
  ])).slice(0, parts).map((part) => createHash('sha256').update(part).digest('hex').slice(0, 16));
}

// What upstream still lists: live rows and logical deletes (served with usage "Deleted").
const LISTED = "(deleted_at IS NULL OR delete_operation = 'LogicalDelete')";

const PHASES = ['volume_check_orgs', 'volume_check_training', 'sweep_statuses', 'sync_training', 'sync_orgs', 'training_refresh',
  'write_log', 'flag_restricted', 'sync_qual_statuses', 'refresh_stats', 'write_snapshot'];

test('the weekly cron fills the TGA layer phase by phase, within D1 limits, and mails the cycle', async () => {
  const want = fakes.corpus.counts();
  const run = await cycle('2026-11-21T16:00:00Z');
  const rows = await steps(run.run_id);
  assert.equal(run.status, 'complete', JSON.stringify(rows));
  assert.deepEqual(rows.filter((s) => s.step !== 'init').map((s) => `${s.step}:${s.status}`), PHASES.map((p) => `${p}:complete`));

  assert.equal(await count('SELECT count(*) AS n FROM tga_organisations WHERE deleted_at IS NULL'), want.organisations);
  assert.equal(await count("SELECT count(*) AS n FROM tga_training_components WHERE deleted_at IS NULL AND component_type = 'Qualification'"), want.qualifications);
  assert.equal(await count(`SELECT count(*) AS n FROM tga_training_components WHERE ${LISTED} AND component_type = 'Unit'`), want.units);
  assert.equal(await count("SELECT count(*) AS n FROM tga_training_components WHERE deleted_at IS NULL AND component_type = 'SkillSet'"), want.skillSets);
  assert.ok(await count('SELECT count(*) AS n FROM tga_qualification_units') > want.qualifications, 'unit grids');
  assert.ok(await count('SELECT count(*) AS n FROM tga_qualification_units WHERE is_essential = 1') > 0, 'core units');
  assert.ok(await count('SELECT count(*) AS n FROM tga_component_mappings') > 0, 'supersession mappings');
  // A base rtos row (enriched = 0) for every organisation code; statuses and stats follow.
  assert.equal(await count('SELECT count(*) AS n FROM rtos WHERE enriched = 0'), want.organisations);
  assert.equal(await count('SELECT count(*) AS n FROM qualification_statuses'), want.components);
  const snap = await corpus.first('SELECT * FROM tga_snapshots WHERE run_id = ?1', run.run_id);
  assert.equal(snap.organisations, want.organisations);
  assert.equal(snap.current_rtos, want.currentRtos);
  // The volume checks saw an empty corpus and upstream's totals.
  const vol = rows.find((s) => s.step === 'volume_check_orgs');
  assert.deepEqual([vol.records_in, vol.records_out], [0, want.organisations]);
  // The first fill is not news: no new_component flood.
  assert.equal((await events(run.run_id)).filter((e) => e.event_type === 'new_component').length, 0);

  // Every invocation stayed far inside D1's 1,000 queries.
  const inv = await ops.all("SELECT json_extract(detail, '$.queries') AS q, json_extract(detail, '$.phase') AS phase FROM ops_log WHERE run_id = ?1 AND message LIKE '%D1 queries'", run.run_id);
  assert.ok(inv.length >= PHASES.length, `one line per invocation (${inv.length})`);
  const worst = Math.max(...inv.map((r) => r.q));
  assert.ok(worst > 0 && worst < 1000, `largest invocation: ${worst} queries`);
  // The cycle summary, the archive, and the email.
  const log = await ops.first("SELECT message, detail FROM ops_log WHERE run_id = ?1 AND message LIKE 'tga-sync cycle%'", run.run_id);
  assert.match(log.message, /sync_training complete/);
  const archived = await platform.r2('TGA_CONTENT').list({ prefix: `tga-sync/${run.run_id}/sync_training/` });
  assert.ok(archived.objects.length >= 2, 'raw pages archived');
  const mail = (await platform.outbox()).at(-1);
  assert.equal(mail.subject, '[tga-sync] cycle complete');
  assert.match(mail.text, /sync_orgs: complete — in \d+, out \d+/);
});

test('next week the delta brings the changes as events; the same cycle again changes nothing', async () => {
  fakes.setVersion(2);
  const want = fakes.corpus.counts();
  const run = await cycle('2026-11-28T16:00:00Z');
  assert.equal(run.status, 'complete', JSON.stringify(await steps(run.run_id)));
  assert.equal(await count('SELECT count(*) AS n FROM tga_organisations WHERE deleted_at IS NULL'), want.organisations);
  assert.equal(await count(`SELECT count(*) AS n FROM tga_training_components WHERE ${LISTED} AND component_type = 'Unit'`), want.units);
  const evs = await events(run.run_id);
  const types = new Set(evs.map((e) => e.event_type));
  for (const t of ['new_release', 'deleted', 'status_change']) assert.ok(types.has(t), `${t} among ${[...types]}`);
  // Deleted organisations are tombstoned, not removed.
  const gone = evs.find((e) => e.event_type === 'deleted' && e.entity_type === 'organisation');
  if (gone) assert.ok((await corpus.first('SELECT deleted_at FROM tga_organisations WHERE code = ?1', gone.entity_code)).deleted_at);
  const mail = (await platform.outbox()).at(-1);
  assert.match(mail.text, /What changed:\n {2}\S/);

  // The delta walk read only what changed.
  const walk = (await steps(run.run_id)).find((s) => s.step === 'sync_training');
  assert.ok(walk.records_in < want.components / 2, `delta read ${walk.records_in} of ${want.components}`);

  const before = await fingerprint();
  const again = await cycle('2026-11-28T18:00:00Z', { trigger: true });
  assert.equal(again.status, 'complete');
  assert.deepEqual(await fingerprint(), before, 'identical corpus (per table digest)');
  const repeat = (await events(again.run_id)).filter((e) => e.event_type !== 'restriction_lifted');
  assert.deepEqual(repeat, [], 'no duplicate events');
});

test('POST /trigger needs the bearer token', async () => {
  const anon = await platform.fetchWorker('tga-sync', '/trigger', { method: 'POST' });
  assert.equal(anon.status, 401);
  assert.deepEqual(await anon.json(), { errors: [{ detail: 'a valid bearer token is required' }] });
  assert.equal((await platform.fetchWorker('tga-sync', '/trigger', { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}x` } })).status, 401);
  assert.equal((await platform.fetchWorker('tga-sync', '/')).status, 404);
});

test('an upstream 500 is retried, then fails the walk with the error; nothing half-written; the next cycle catches up', async () => {
  fakes.setVersion(3);
  fakes.inject({ host: SOAP, op: 'GetDetails', kind: 'http500' });
  const before = await fingerprint(3); // the walks' tables (the sweeps may move statuses by date)
  const run = await cycle('2026-12-05T16:00:00Z');
  fakes.clear();
  assert.equal(run.status, 'partial');
  const rows = await steps(run.run_id);
  const walk = rows.find((s) => s.step === 'sync_training');
  assert.equal(walk.status, 'failed');
  assert.match(walk.error, /GetDetails: HTTP 500\b.*after 3 attempt/);
  assert.equal(rows.find((s) => s.step === 'sync_orgs').status, 'failed');
  assert.equal(rows.find((s) => s.step === 'write_snapshot').status, 'complete', 'the cycle carries on');
  const retried = fakes.requests.filter((r) => r.op === 'GetDetails').length;
  assert.ok(retried >= 3, `GetDetails attempted ${retried} times`);
  assert.deepEqual(await fingerprint(3), before, 'no page written');

  const next = await cycle('2026-12-05T18:00:00Z', { trigger: true });
  assert.equal(next.status, 'complete', JSON.stringify(await steps(next.run_id)));
  assert.equal(await count('SELECT count(*) AS n FROM tga_organisations WHERE deleted_at IS NULL'), fakes.corpus.counts().organisations);
});

test('a malformed page fails the walk with the error and writes nothing of it; an internal SOAP fault is retried', async () => {
  for (const [kind, pattern] of [['malformed', /malformed|expected a SOAP Envelope/i], ['soapFault', /SOAP fault|HTTP 500/]]) {
    await ops.run("DELETE FROM upstream_resources WHERE source = 'tga' AND resource_id = 'components'");
    fakes.inject({ host: SOAP, op: 'GetDetails', service: 'tga-soap', kind, times: 1 });
    const before = await fingerprint(3);
    const run = await cycle(kind === 'malformed' ? '2026-12-05T20:00:00Z' : '2026-12-05T21:00:00Z', { trigger: true });
    fakes.clear();
    const walk = (await steps(run.run_id)).find((s) => s.step === 'sync_training');
    if (kind === 'malformed') {
      assert.equal(walk.status, 'failed', `${kind}: ${JSON.stringify(walk)}`);
      assert.match(walk.error, pattern);
      assert.deepEqual(await fingerprint(3), before, `${kind}: nothing half-written`);
    } else {
      // An internal fault is an outage: retried, and the walk goes through.
      assert.equal(walk.status, 'complete', `${kind}: ${JSON.stringify(walk)}`);
    }
  }
});

test('a message size quota fault halves the PageSize and the walk completes', async () => {
  // Walk the whole register again (the components window forgotten) through a quota.
  await ops.run("DELETE FROM upstream_resources WHERE source = 'tga' AND resource_id = 'components'");
  fakes.inject({ host: SOAP, op: 'SearchByModifiedDate', kind: 'quotaFault', maxPageSize: 30 });
  const run = await cycle('2026-12-06T16:00:00Z', { trigger: true });
  fakes.clear();
  assert.equal(run.status, 'complete', JSON.stringify(await steps(run.run_id)));
  assert.equal(await count(`SELECT count(*) AS n FROM tga_training_components WHERE ${LISTED} AND component_type = 'Unit'`), fakes.corpus.counts().units);
  const warn = await ops.all("SELECT message FROM ops_log WHERE run_id = ?1 AND level = 'warn'", run.run_id);
  assert.ok(warn.some((w) => /PageSize 100, retrying with 50/.test(w.message)), JSON.stringify(warn));
  assert.ok(warn.some((w) => /PageSize 50, retrying with 25/.test(w.message)));
});

test('an upstream that suddenly lists 40% fewer organisations: SENTINEL-02 fires and nothing is deleted', async () => {
  const live = await count('SELECT count(*) AS n FROM tga_organisations WHERE deleted_at IS NULL');
  fakes.setVersion(4); // a week with real deletions, which must be held back too
  fakes.inject({ host: SOAP, kind: 'fewerRows', fraction: 0.4 });
  const run = await cycle('2026-12-12T16:00:00Z');
  fakes.clear();
  assert.equal(run.status, 'partial');
  const drops = await ops.all('SELECT metric, baseline, observed, action FROM sentinel_log WHERE run_id = ?1', run.run_id);
  const orgs = drops.find((d) => d.metric === 'tga_organisations');
  assert.ok(orgs, JSON.stringify(drops));
  assert.equal(orgs.action, 'no_deletions');
  assert.equal(orgs.baseline, live);
  assert.ok(orgs.observed < live * 0.7);
  assert.ok(await count('SELECT count(*) AS n FROM tga_organisations WHERE deleted_at IS NULL') >= live, 'nothing mass-deleted');
  const mail = (await platform.outbox()).at(-1);
  assert.match(mail.subject, /\(partial\)/);
  assert.match(mail.text, /^SENTINEL-02: tga_organisations dropped/);
});

test('an isolate that dies mid-phase is swept by the watchdog and /trigger resumes it without duplicates', async () => {
  // What a dead isolate leaves: the pointer at sync_orgs, its step running since 10 minutes ago.
  setClock('2026-12-19T16:10:00Z');
  const runId = 'tga-sync-2026-12-19T16:00:00Z';
  await ops.run(`INSERT INTO sync_runs (run_id, sync_type, triggered_by, status, created_at) VALUES ('${runId}', 'tga_sync', 'cron', 'running', '2026-12-19T16:00:00Z')`);
  for (const [i, p] of ['init', ...PHASES].entries()) {
    const status = i < 5 ? 'complete' : p === 'sync_orgs' ? 'running' : 'pending';
    await ops.run(`INSERT INTO tga_sync_steps (run_id, sync_type, step, status, triggered_by, started_at, created_at) VALUES ('${runId}', 'tga_sync', '${p}', '${status}', 'cron', ${status === 'pending' ? 'NULL' : "'2026-12-19T16:00:00Z'"}, '2026-12-19T16:00:00Z')`);
  }
  await ops.run(`UPDATE tga_sync_cursor SET run_id = '${runId}', cycle_phase = 'sync_orgs', phase_state = '{"seq":7,"state":null}' WHERE sync_type = 'tga_sync'`);
  const eventsBefore = (await ops.first('SELECT count(*) AS n FROM regulatory_events')).n;

  await platform.scheduled('d1-warmer', { cron: '*/10 * * * *' });
  const swept = await ops.first("SELECT status, error FROM tga_sync_steps WHERE run_id = ?1 AND step = 'sync_orgs'", runId);
  assert.equal(swept.status, 'timed_out');

  const res = await platform.fetchWorker('tga-sync', '/trigger', { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 202);
  assert.deepEqual(await res.json(), { run_id: runId, phase: 'sync_orgs', status: 'dispatched' });
  const run = await settled(await ops.first("SELECT run_id FROM sync_runs WHERE run_id < ?1 AND sync_type = 'tga_sync' ORDER BY run_id DESC LIMIT 1", runId).then((r) => r.run_id));
  assert.equal(run.run_id, runId);
  const rows = await steps(runId);
  assert.equal(rows.find((s) => s.step === 'sync_orgs').status, 'complete');
  assert.equal(rows.find((s) => s.step === 'write_snapshot').status, 'complete');
  assert.equal((await ops.first('SELECT count(*) AS n FROM regulatory_events')).n - eventsBefore,
    (await ops.first('SELECT count(*) AS n FROM regulatory_events WHERE run_id = ?1', runId)).n, 'only this run\'s events were added');
  const dupes = await ops.first('SELECT count(*) AS n FROM (SELECT run_id, event_type, entity_code FROM regulatory_events GROUP BY 1, 2, 3 HAVING count(*) > 1)');
  assert.equal(dupes.n, 0);
});
