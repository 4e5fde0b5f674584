// rtopacks-tga-ingest under Miniflare: messages on rtopacks-ingest-queue enrich RTOs from
// the TGA REST fake; continuations and retries travel through the queue; poison never
// fails the batch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startPlatform } from './harness/platform.mjs';
import { createFakes } from './fakes/index.mjs';

let platform, fakes, db, big;

before(async () => {
  fakes = createFakes({ size: 'small' });
  platform = await startPlatform({
    workers: ['tga-ingest'],
    now: '2026-11-24T10:00:00Z',
    outbound: fakes.fetch,
    bindings: { 'tga-ingest': { INGEST_RETRY_BASE_SECONDS: '0' } },
  });
  db = platform.d1('rtopacks-db');
  // The RTO with the largest scope in the small corpus: enough pages to need continuations.
  const codes = fakes.corpus.codes('organisation').filter((c) => fakes.corpus.organisation(c)?.isRto !== false);
  big = codes.map((c) => [c, fakes.corpus.scopeCount(c)]).sort((a, b) => b[1] - a[1])[0];
});
after(() => platform?.dispose());

async function until(sql, params, ok) {
  for (let i = 0; i < 800; i++) {
    const row = await db.first(sql, ...params);
    if (ok(row)) return row;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out: ${sql} ${JSON.stringify(await db.first(sql, ...params))}`);
}

test('a message enriches the RTO: detail, contacts, addresses and every scope row', async () => {
  const [code, scopeRows] = big;
  assert.ok(scopeRows > 100, `largest scope in the small corpus: ${scopeRows}`);
  const res = await platform.queue('tga-ingest', 'rtopacks-ingest-queue', [{ id: 'm1', body: { rto_code: code } }]);
  assert.equal(res.outcome, 'ok');
  assert.deepEqual(res.explicitAcks, ['m1']);
  const rto = await until('SELECT enriched, enriched_at, legal_name FROM rtos WHERE rto_code = ?1', [code], (r) => r?.enriched === 1);
  assert.equal(rto.enriched_at, '2026-11-24T10:00:00Z');
  assert.ok(rto.legal_name);
  const scope = await db.first('SELECT count(*) AS n FROM rto_scope WHERE rto_code = ?1', code);
  assert.ok(scope.n > 0, 'scope written');
  const contacts = await db.first('SELECT count(*) AS n FROM rto_contacts WHERE rto_code = ?1', code);
  assert.ok(contacts.n > 0, 'contacts written');
  const run = await db.first("SELECT status FROM tga_ingest_runs WHERE run_id LIKE ?1 ORDER BY id DESC", `%${code}%`);
  assert.equal(run.status, 'complete');
});

test('poison and unknown codes are settled one by one, never failing the batch', async () => {
  const [code] = big;
  const res = await platform.queue('tga-ingest', 'rtopacks-ingest-queue', [
    { id: 'poison', body: { rto_code: "1; DROP TABLE rtos" } },
    { id: 'not-json-shape', body: 'just a string' },
    { id: 'unknown', body: { rto_code: '99999999' } },
    { id: 'again', body: { rto_code: code } },
  ]);
  assert.equal(res.outcome, 'ok');
  assert.deepEqual([...res.explicitAcks].sort(), ['again', 'not-json-shape', 'poison', 'unknown']);
  assert.equal(res.retryMessages.length, 0);
  const nf = await db.first("SELECT status, detail FROM tga_ingest_runs WHERE run_id LIKE '%99999999%'");
  assert.equal(nf.status, 'failed');
  assert.match(nf.detail, /not_found/);
  assert.equal((await db.first('SELECT count(*) AS n FROM rtos WHERE rto_code = ?1', '99999999')).n, 0);
});

test('an upstream outage is retried through the queue and then succeeds', async () => {
  const codes = fakes.corpus.codes('organisation').filter((c) => c !== big[0]);
  const code = codes.find((c) => fakes.corpus.scopeCount(c) > 0);
  const rule = fakes.inject({ host: 'training.gov.au', kind: 'http500', times: 3 });
  const res = await platform.queue('tga-ingest', 'rtopacks-ingest-queue', [{ id: 'r1', body: { rto_code: code } }]);
  assert.deepEqual(res.explicitAcks, ['r1'], 'settled by re-sending with attempt 1, not by failing the batch');
  await until('SELECT enriched FROM rtos WHERE rto_code = ?1', [code], (r) => r?.enriched === 1);
  assert.ok(rule !== undefined);
});
