// Local stack (scripts/dev): every worker in one Miniflare on one port, state persisted in
// .wrangler/state (wrangler dev's layout, so `wrangler d1 ... --local --persist-to .wrangler/state`
// sees the same databases), migrations and seeds applied idempotently, crons fireable over HTTP.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare, Log, LogLevel } from 'miniflare';
import { ROOT, routeHosts } from './workers.mjs';
import { loadWorkers, miniflareOptions } from './platform.mjs';
import { migrateAll, applyTracked } from './migrate.mjs';
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import { createFakes, DEFAULT_CREDENTIALS } from '../fakes/index.mjs';
import { createAccess } from './access.mjs';

const port = Number(process.env.PORT ?? 8787);
const host = process.env.HOST ?? '127.0.0.1';
const base = `http://${host}:${port}`;

if (!process.argv.includes('--no-build')) {
  const build = spawnSync('bash', [join(ROOT, 'scripts/build')], { stdio: 'inherit', cwd: ROOT });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const { workers, databases } = loadWorkers();
const missing = workers.filter((w) => !existsSync(w.main));
if (missing.length) {
  console.error(`not built: ${missing.map((w) => w.main).join(', ')} (run scripts/build)`);
  process.exit(1);
}

// Every worker also answers on <stem>.localhost, so route-less cron and queue workers are reachable.
const localHost = (w) => `${w.stem}.localhost`;
const extraRoutes = Object.fromEntries(workers.map((w) => [w.stem, [`${localHost(w)}/*`]]));
// NOW=2026-11-24T10:00:00Z pins the clock the workers read (TEST_CLOCK), as in tests; unset = real time.
const clock = process.env.NOW
  ? () => new Response(new Date(process.env.NOW).toISOString(), { headers: { 'content-type': 'text/plain' } })
  : undefined;

// No upstream is reachable from here: every outbound fetch goes to the local fakes of
// training.gov.au and data.gov.au, fed by the deterministic corpus (--full: real scale).
const size = process.argv.includes('--full') ? 'full' : (process.env.CORPUS_SIZE ?? 'small');
const fakes = createFakes({ size });
// The sync workers' POST /trigger token, new for every run of the local stack.
const triggerToken = process.env.TRIGGER_TOKEN ?? randomBytes(18).toString('base64url');
const secrets = Object.fromEntries(workers.map((w) => [w.stem, { TRIGGER_TOKEN: triggerToken }]));
// tga-sync signs its SOAP calls with the fake register's account.
if (secrets['tga-sync']) Object.assign(secrets['tga-sync'], { TGA_USERNAME: DEFAULT_CREDENTIALS.username, TGA_PASSWORD: DEFAULT_CREDENTIALS.password });

// The browser surfaces: each on http://<stem>.localhost:<port> (Chromium and Firefox treat
// *.localhost as a secure context, so the __Host- cookies work over http), a CSRF key new
// for every run, and mailed links pointing back here (record mode: the outbox has them).
for (const w of workers) {
  if (w.config.vars?.ORIGIN === undefined) continue;
  Object.assign((secrets[w.stem] ??= {}), {
    ORIGIN: `http://${localHost(w)}:${port}`,
    CSRF_SECRET: randomBytes(32).toString('base64url'),
  });
}
if (secrets.site) secrets.site.WORKSPACE_URL = `http://workspace.localhost:${port}`;
if (secrets.workspace) secrets.workspace.SITE_URL = `http://site.localhost:${port}`;

// Cloudflare Access stand-in. In production Access signs the operator in before a request
// reaches admin (and admin verifies the token itself). Here a local team's keys are served
// to the workers through the outbound fakes, and the proxy on the public port below signs
// every admin.localhost request in as DEV_OPERATOR, as Access would.
const operator = process.env.DEV_OPERATOR ?? 'operator@rtopacks.com.au';
const access = createAccess({
  team: 'rtopacks-local.cloudflareaccess.com', aud: 'aud-local-admin', email: operator,
  now: () => (process.env.NOW ? new Date(process.env.NOW) : new Date()),
});
const accessHosts = new Set(workers.filter((w) => w.stem === 'admin').map(localHost));
for (const stem of ['admin', 'internal-api']) {
  if (byStem(stem)) Object.assign((secrets[stem] ??= {}), access.vars());
}
function byStem(stem) { return workers.find((w) => w.stem === stem); }

const mf = new Miniflare({
  workers: miniflareOptions(workers, { clock, extraRoutes, outbound: access.outbound(fakes.fetch), bindings: secrets }),
  host,
  port: 0, // behind the proxy below
  defaultPersistRoot: join(ROOT, '.wrangler/state/v3'),
  unsafeTriggerHandlers: true, // GET /cdn-cgi/handler/scheduled?cron=... fires a worker's cron
  cf: false,
  log: new Log(LogLevel.INFO),
});
const inner = await mf.ready;

// The public port: a plain pass-through to Miniflare, except that a request for admin gets
// a fresh Access token (any token the client sent is dropped: only the stand-in signs).
const proxy = createServer((req, res) => {
  const headers = { ...req.headers };
  delete headers['cf-access-jwt-assertion'];
  if (accessHosts.has((req.headers.host ?? '').split(':')[0])) headers['cf-access-jwt-assertion'] = access.jwt();
  const upstream = httpRequest(
    { host: inner.hostname, port: inner.port, method: req.method, path: req.url, headers },
    (r) => { res.writeHead(r.statusCode, r.headers); r.pipe(res); },
  );
  upstream.on('error', (e) => { res.writeHead(502, { 'content-type': 'text/plain' }); res.end(`local stack: ${e.message}`); });
  req.pipe(upstream);
});
await new Promise((resolve, reject) => proxy.once('error', reject).listen(port, host, resolve));

const getDb = (d) => mf.getD1Database(d.bindings[0].binding, d.bindings[0].worker);
for (const [name, files] of Object.entries(await migrateAll(databases, getDb))) {
  if (files.length) console.log(`migrated ${name}: ${files.join(', ')}`);
}
// Seeds: scripts/seed/<database_name>/*.sql, each applied once (tracked in d1_seeds).
for (const d of databases) {
  const files = await applyTracked(await getDb(d), join(ROOT, 'scripts/seed', d.name), 'd1_seeds');
  if (files.length) console.log(`seeded ${d.name}: ${files.join(', ')}`);
}

// First start: fill the corpus by running the syncs themselves against the fakes: the
// TGA register (tga-sync), then the enriched layer once it is in (enrich-sync), and CRICOS.
const corpusDb = await getDb(databases.find((d) => d.name === 'rtopacks-db'));
const opsDb = await getDb(databases.find((d) => d.name === 'ops-db'));
const fire = async (w) => (await mf.getWorker(w.name)).scheduled({ cron: w.config.triggers.crons[0] });
const empty = async (table) => (await corpusDb.prepare(`SELECT count(*) AS n FROM ${table}`).first()).n === 0;
if (byStem('cricos-sync') && await empty('cricos_institutions')) {
  console.log(`filling the corpus: cricos-sync cycle against the ${size} fake register (runs in the background)`);
  await fire(byStem('cricos-sync'));
}
if (byStem('tga-sync') && await empty('tga_organisations')) {
  console.log(`filling the corpus: tga-sync cycle against the ${size} fake register, then enrich-sync (background)`);
  await fire(byStem('tga-sync'));
  const enrich = byStem('enrich-sync');
  if (enrich) {
    (async () => {
      for (;;) {
        await new Promise((r) => setTimeout(r, 1000));
        const run = await opsDb.prepare("SELECT status FROM sync_runs WHERE sync_type = 'tga_sync' ORDER BY created_at DESC LIMIT 1").first();
        if (run && run.status !== 'running') break;
      }
      console.log('tga-sync cycle finished: starting the enrich-sync sweep');
      await fire(enrich);
    })().catch((e) => console.error(`enrich-sync fill: ${e.message}`));
  }
}

const rows = [['worker', 'hosts (curl -H "Host: <host>" ' + base + '/)', 'cron']];
const crons = [];
for (const w of workers) {
  rows.push([w.name, [...routeHosts(w.routes), localHost(w)].join(', '), (w.config.triggers?.crons ?? []).join(', ')]);
  for (const cron of w.config.triggers?.crons ?? []) {
    crons.push(`curl -H 'Host: ${localHost(w)}' '${base}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(cron)}'`);
  }
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
console.log(`\nLocal stack on ${base} (state: .wrangler/state)\n`);
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
const example = routeHosts(workers.flatMap((w) => w.routes))[0] ?? localHost(workers[0]);
console.log(`\nReach a host: curl -H 'Host: ${example}' ${base}/`);
if (crons.length) console.log(`Fire a cron (add &time=<epoch ms> for a scheduledTime):\n  ${crons.join('\n  ')}`);
console.log(`Trigger a sync: curl -X POST -H 'Authorization: Bearer ${triggerToken}' -H 'Host: tga-sync.localhost' ${base}/trigger`);
console.log(`BACKFILL-01:    TRIGGER_TOKEN=${triggerToken} scripts/backfill`);
console.log(`API/MCP key:    TRIGGER_TOKEN=${triggerToken} scripts/keys --local issue --kind api --owner you@example.com`);
console.log(`  then:         curl -H 'Host: api.rtopacks.com.au' -H 'Authorization: Bearer <key>' '${base}/api/v1/search?q=hospitality'`);
console.log(`Upstream fakes: ${size} corpus (scripts/dev --full for real scale)`);
const surface = (stem, what) => byStem(stem) && console.log(`${what.padEnd(15)} http://${stem}.localhost:${port}/`);
surface('site', 'Public site:');
surface('workspace', 'Workspace:');
surface('admin', 'Admin console:');
surface('prelaunch', 'Prelaunch:');
if (byStem('workspace')) {
  console.log(`  sign in:      allowlist yourself in the admin console (Access), request a link at /auth,`);
  console.log(`                then open it from ops-db email_outbox (mail is recorded, never sent):`);
  console.log(`                npx wrangler d1 execute ops-db --local --persist-to .wrangler/state -c wrangler/admin.toml \\`);
  console.log(`                  --command "SELECT text FROM email_outbox ORDER BY created_at DESC LIMIT 1"`);
}
if (accessHosts.size) console.log(`  admin:        signed in by the local Access stand-in as ${operator} (DEV_OPERATOR)`);
console.log('\nCtrl-C to stop.');

const stop = async () => { proxy.close(); await mf.dispose(); process.exit(0); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
