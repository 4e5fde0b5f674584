// Self-test of the Miniflare harness against the fixture workers in tests/harness/fixtures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startPlatform } from './harness/platform.mjs';
import { loadWorker, ROOT } from './harness/workers.mjs';

const dir = join(ROOT, 'tests/harness/fixtures/wrangler');
let p;
const outbound = [];
before(async () => {
  p = await startPlatform({
    dir,
    now: '2026-11-24T10:00:00Z',
    outbound: (request) => { outbound.push(request.url); return new Response(`fake answered ${new URL(request.url).pathname}`); },
  });
});
after(() => p?.dispose());

// Polls D1 (queue delivery is asynchronous) instead of sleeping a fixed time.
async function waitForRows(sql, n) {
  for (let i = 0; i < 100; i++) {
    const rows = await p.d1('fixture-db').all(sql);
    if (rows.length >= n) return rows;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting for ${n} rows of ${sql}`);
}

test('requests route by Host to the worker whose routes match', async () => {
  assert.equal(await (await p.fetch('https://fixture.example.test/')).text(), 'fixture fixture.example.test');
  assert.match(await (await p.fetch('https://peer.example.test/x')).text(), /^peer peer.example.test/);
  assert.equal(await (await p.kv('CACHE')).get('last-host'), 'fixture.example.test');
  assert.match(await (await p.fetchWorker('peer', '/')).text(), /^peer /);
});

test('migrations ran in filename order, statements split correctly, trigger installed', async () => {
  assert.deepEqual(p.migrations, { 'fixture-db': ['0001_events.sql', '0002_seed.sql'] });
  const seeded = await p.d1('fixture-db').first("SELECT detail FROM events WHERE kind = 'migration'");
  assert.equal(seeded.detail, "it's -- not a comment; ok");
  assert.equal((await p.d1('DB').first("SELECT n FROM event_counts WHERE kind = 'migration'")).n, 1);
});

test('a database bound by two workers is one shared database', async () => {
  const before = (await p.d1('fixture-db').first('SELECT count(*) AS n FROM events')).n;
  assert.equal(await (await p.fetch('https://fixture.example.test/peer')).text(), `peer peer.example.test events=${before}`);
});

test('outbound fetches go to the fakes, never the internet', async () => {
  assert.equal(await (await p.fetch('https://fixture.example.test/upstream')).text(), 'fake answered /ping');
  assert.deepEqual(outbound, ['https://upstream.example.org/ping?from=fixture']);
});

test('setClock is visible inside the worker through TEST_CLOCK', async () => {
  assert.equal(await (await p.fetch('https://fixture.example.test/now')).text(), '2026-11-24T10:00:00.000Z');
  p.setClock(new Date('2027-02-03T04:05:06Z'));
  assert.equal(await (await p.fetchWorker('fixture', '/now')).text(), '2027-02-03T04:05:06.000Z');
  p.setClock('2026-11-24T10:00:00Z');
});

test('cron fires the scheduled handler', async () => {
  const result = await p.scheduled('fixture', { cron: '*/10 * * * *' });
  assert.equal(result.outcome, 'ok');
  const row = await p.d1('fixture-db').first("SELECT detail, at FROM events WHERE kind = 'cron'");
  assert.deepEqual(row, { detail: '*/10 * * * *', at: '2026-11-24T10:00:00.000Z' });
});

test('queue batches: direct delivery and producer → consumer with the wrangler settings', async () => {
  const result = await p.queue('harness-fixture', 'fixture-jobs', [{ id: 'a', body: { direct: true }, attempts: 2 }]);
  assert.equal(result.outcome, 'ok');
  assert.deepEqual(result.explicitAcks, ['a']);

  // max_batch_size = 2 (Miniflare's default is 5): 4 messages arrive in batches of exactly 2.
  await p.fetch('https://fixture.example.test/enqueue');
  await p.fetch('https://fixture.example.test/enqueue');
  const rows = await waitForRows("SELECT detail FROM events WHERE kind = 'queue' AND detail LIKE '%\"n\"%'", 2);
  assert.equal(JSON.parse(rows[0].detail).size, 2);

  const consumers = loadWorker('fixture', { dir }).options.queueConsumers;
  assert.deepEqual(consumers['fixture-jobs'], { maxBatchSize: 2, maxBatchTimeout: 30, maxRetries: 3, deadLetterQueue: 'fixture-jobs-dlq' });
});

// Smoke test of a real worker once scripts/build has produced it.
const warmer = join(ROOT, 'workers/d1-warmer/build/index.js');
test('real d1-warmer starts from its own wrangler file', { skip: !existsSync(warmer) && 'not built' }, async () => {
  const real = await startPlatform({ workers: ['d1-warmer'], now: '2026-11-24T10:00:00Z' });
  try {
    assert.deepEqual(Object.keys(real.migrations).sort(), ['abs-db-oc', 'ops-db', 'rtopacks-db']);
    const result = await real.scheduled('d1-warmer');
    assert.equal(result.outcome, 'ok');
  } finally {
    await real.dispose();
  }
});
