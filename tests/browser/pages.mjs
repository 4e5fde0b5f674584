// Pages scripts/screenshots visits: { name, url(origin), setup?, status? }.
// - `origin(stem)` is `http://<stem>.localhost:<port>`; a page on a worker that is not built
//   (or has no wrangler file yet) is skipped and listed, so surfaces can be named before they land.
// - `setup({ page, origin, platform, stack, viewport })` runs in the page's fresh context before
//   the visit (sign in, seed rows through platform.d1(...)); it runs once per viewport, so its
//   writes must be idempotent. Its own requests are not measured.
// - `status`: the answer expected (default 200); anything else fails the run.
// Screenshots: target/screenshots/<name>.png (1280 wide) and <name>-mobile.png (390 wide).
import { randomBytes } from 'node:crypto';
import { createAccess, HEADER } from '../harness/access.mjs';

export default [
  { name: 'site-home', url: (origin) => `${origin('site')}/` },
  { name: 'workspace-home', url: (origin) => `${origin('workspace')}/` },
  { name: 'admin-home', url: (origin) => `${origin('admin')}/`, setup: adminOperator },
  { name: 'prelaunch-home', url: (origin) => `${origin('prelaunch')}/` },
  {
    // The page a waitlist verification link opens (its Confirm button). Before setup the URL
    // only names the worker; setup joins through the form and takes the link from the outbox.
    name: 'prelaunch-verify',
    url: (origin) => prelaunchLink ?? `${origin('prelaunch')}/verify`,
    async setup({ page, origin, platform, viewport }) {
      const email = `screenshots-${viewport.width}@example.edu.au`;
      await page.goto(`${origin('prelaunch')}/`);
      await page.getByLabel('Email address').fill(email);
      await page.getByRole('button', { name: 'Join the waitlist' }).click();
      await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
      prelaunchLink = null;
      for (let i = 0; i < 500 && !prelaunchLink; i++) {
        const mail = (await platform.outbox()).find((m) => JSON.parse(m.to_addrs).includes(email));
        prelaunchLink = mail?.text.match(/http:\/\/\S+\/verify\?t=[\w-]+/)?.[0] ?? null;
        if (!prelaunchLink) await new Promise((r) => setTimeout(r, 10));
      }
      if (!prelaunchLink) throw new Error(`prelaunch-verify: no verification mail for ${email}`);
    },
  },
  { name: 'workspace-auth', url: (origin) => `${origin('workspace')}/auth` },
  { name: 'workspace-dashboard', url: (origin) => `${origin('workspace')}/`, setup: workspaceSession },
  { name: 'workspace-scope', url: (origin) => `${origin('workspace')}/scope`, setup: workspaceSession },
  { name: 'workspace-impact', url: (origin) => `${origin('workspace')}/impact`, setup: workspaceSession },
  { name: 'workspace-documents', url: (origin) => `${origin('workspace')}/documents`, setup: workspaceSession },
  { name: 'admin-run', url: (origin) => `${origin('admin')}/runs/${ADMIN_RUN}`, setup: adminOperator },
  { name: 'admin-events', url: (origin) => `${origin('admin')}/events`, setup: adminOperator },
  { name: 'admin-access', url: (origin) => `${origin('admin')}/access`, setup: adminOperator },
  { name: 'admin-organisations', url: (origin) => `${origin('admin')}/organisations`, setup: adminOperator },
  { name: 'admin-organisation', url: (origin) => `${origin('admin')}/organisations/${adminRto}`, setup: adminOperator },
  { name: 'admin-user', url: (origin) => `${origin('admin')}/users/usr_admin_screens`, setup: adminOperator },
  { name: 'admin-keys', url: (origin) => `${origin('admin')}/keys`, setup: adminOperator },
  { name: 'admin-refused', url: (origin) => `${origin('admin')}/`, status: 403 },
  // The public site. Codes come from the corpus the stack filled (siteCodes, in setup).
  { name: 'site-search', url: (origin) => `${origin('site')}/search?q=certificate&type=qualification` },
  { name: 'site-qualification', url: (origin) => `${origin('site')}/qualifications/${siteCode.qualification}`, setup: siteCodes },
  { name: 'site-superseded', url: (origin) => `${origin('site')}/qualifications/${siteCode.superseded}`, setup: siteCodes },
  { name: 'site-rto', url: (origin) => `${origin('site')}/rtos/${siteCode.rto}`, setup: siteCodes },
  { name: 'site-claim', url: (origin) => `${origin('site')}/rtos/${siteCode.rto}/claim`, setup: siteCodes },
  { name: 'site-waitlist', url: (origin) => `${origin('site')}/waitlist` },
  { name: 'site-not-found', url: (origin) => `${origin('site')}/units/ZZZ99999`, status: 404 },
];

/** The site's example codes: a qualification with units, RTOs and CRICOS courses, a superseded
 * one, and the enriched RTO with the most scope. Read only; the same every viewport. */
const siteCode = { qualification: 'BSB50420', superseded: 'BSB51918', rto: '45329' };
async function siteCodes({ platform }) {
  const one = async (sql) => Object.values((await platform.d1('rtopacks-db').first(sql)) ?? {})[0];
  siteCode.qualification = (await one(`SELECT c.code FROM tga_training_components c
    WHERE c.component_type = 'Qualification' AND c.is_current = 1
      AND EXISTS (SELECT 1 FROM tga_qualification_units g WHERE g.qualification_code = c.code)
    ORDER BY (SELECT count(*) FROM cricos_courses cc WHERE cc.vet_national_code = c.code) DESC,
      (SELECT count(*) FROM rto_scope s WHERE s.component_code = c.code) DESC, c.code LIMIT 1`)) ?? siteCode.qualification;
  siteCode.superseded = (await one(`SELECT m.code FROM tga_component_mappings m
    JOIN tga_training_components c ON c.code = m.code AND c.component_type = 'Qualification'
    ORDER BY m.code LIMIT 1`)) ?? siteCode.superseded;
  siteCode.rto = (await one(`SELECT rto_code FROM rto_scope WHERE rto_code IN (SELECT rto_code FROM rtos WHERE enriched = 1)
    GROUP BY rto_code ORDER BY count(*) DESC, rto_code LIMIT 1`)) ?? siteCode.rto;
}
let prelaunchLink = null;

/**
 * Signs the page in to the workspace as an L4 user, through the real flow (the form, the link
 * from the outbox, Sign in): an org holding the enriched RTO with the most scope (an active
 * client) and a document. One address per page and viewport, so the per-address link limit
 * never bites (a run signs in 8 times, under the per-IP limit of 10). Without a corpus the org
 * has no RTO. Idempotent, so it can run once per viewport.
 */
async function workspaceSession({ page, origin, platform, viewport }) {
  const now = platform.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const engine = platform.d1('engine-db-oc');
  const ops = platform.d1('ops-db');
  const rto = await platform.d1('rtopacks-db').first(
    'SELECT rto_code FROM rto_scope WHERE rto_code IN (SELECT rto_code FROM rtos WHERE enriched = 1) GROUP BY rto_code ORDER BY count(*) DESC, rto_code LIMIT 1');
  const code = rto?.rto_code ?? null;
  if (code) {
    await ops.run(`INSERT INTO rto_clients (rto_code, is_client, client_since, client_status, plan, created_at, updated_at)
      VALUES (?1, 1, ?2, 'active', 'essential', ?2, ?2) ON CONFLICT (rto_code) DO NOTHING`, code, now);
  }
  await ops.run(`INSERT INTO access_allowlist (kind, value, label, active, created_at, created_by)
    VALUES ('domain', 'screens.example.edu.au', 'screenshots', 1, ?1, 'screenshots') ON CONFLICT DO NOTHING`, now);
  await engine.run("INSERT INTO orgs (id, name, rto_code, created_at) VALUES ('org_screens', 'Screenshot Training College', ?1, ?2) ON CONFLICT DO NOTHING", code, now);
  const email = `kim-${viewport.width}-${++workspaceSignIns}@screens.example.edu.au`;
  await engine.run(`INSERT INTO users (id, email, display_name, org_id, status, created_at)
    VALUES (?1, ?2, 'Kim Screens', 'org_screens', 'active', ?3) ON CONFLICT DO NOTHING`, `usr_screens_${workspaceSignIns}`, email, now);
  await engine.run("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ('org_screens', ?1, ?2, ?3) ON CONFLICT DO NOTHING",
    `usr_screens_${workspaceSignIns}`, workspaceSignIns === 1 ? 'owner' : 'member', now);
  const pdf = '%PDF-1.7\n% RTOpacks screenshot\n%%EOF\n';
  const doc = 'doc_5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c';
  await platform.r2('CLIENT_MEDIA', 'workspace').put(`orgs/org_screens/${doc}`, pdf);
  await engine.run(`INSERT INTO documents (id, org_id, uploaded_by, r2_key, filename, content_type, size_bytes, created_at)
    VALUES (?1, 'org_screens', 'usr_screens_1', ?2, 'Training and assessment strategy.pdf', 'application/pdf', ?3, ?4) ON CONFLICT DO NOTHING`,
    doc, `orgs/org_screens/${doc}`, pdf.length, now);

  await page.goto(`${origin('workspace')}/auth`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
  let link = null;
  for (let i = 0; i < 500 && !link; i++) {
    const mail = (await platform.outbox()).find((m) => JSON.parse(m.to_addrs).includes(email));
    link = mail?.text.match(/http:\/\/\S+\/auth\/verify\?t=[\w-]+/)?.[0] ?? null;
    if (!link) await new Promise((r) => setTimeout(r, 10));
  }
  if (!link) throw new Error(`workspace: no sign-in mail for ${email}`);
  await page.goto(link);
  await Promise.all([page.waitForURL(`${origin('workspace')}/`), page.getByRole('button', { name: 'Sign in' }).click()]);
}
let workspaceSignIns = 0;

/**
 * Vars and secrets the surfaces need in the screenshot stack, per worker stem, given
 * `origin(stem)` (e.g. `workspace: { WORKSPACE_URL: origin('workspace'), CSRF_SECRET: '…' }`).
 * Merged over the stack's own (TRIGGER_TOKEN, the fake register's credentials).
 */
export const bindings = (origin) => ({
  // A new CSRF secret every run; ORIGIN is what each surface's Origin check compares with.
  prelaunch: { CSRF_SECRET: secret(), ORIGIN: origin('prelaunch') },
  workspace: { CSRF_SECRET: secret(), ORIGIN: origin('workspace'), SITE_URL: origin('site') },
  // The console and internal-api (which checks the token the console forwards for /keys)
  // trust the screenshot run's own Access team.
  admin: { ...adminAccess.vars(), CSRF_SECRET: secret(), ORIGIN: origin('admin') },
  'internal-api': adminAccess.vars(),
  site: { CSRF_SECRET: secret(), ORIGIN: origin('site'), WORKSPACE_URL: origin('workspace'), ENVIRONMENT: 'dev' },
});
const secret = () => randomBytes(32).toString('hex');

/**
 * Optional: wraps the stack's outbound handler (the upstream fakes), e.g. to serve a Cloudflare
 * Access team's certs for the admin console: `(next) => (request) => …`.
 */
export const outbound = (next) => adminAccess.outbound(next);

// ---------------------------------------------------------------------------------------
// The admin console: behind a Cloudflare Access team made for this run (its certs served by
// `outbound`, its token sent on every request as Access would add it).
let adminPlatform = null;
const adminAccess = createAccess({ now: () => adminPlatform?.now() ?? new Date(), email: 'tim@rtopacks.com.au' });
const ADMIN_RUN = 'tga-sync-2026-11-21T16:00:00Z-screens';
let adminRto = '45329';

/**
 * The operator's Access token on every request of the page, and something on each admin page:
 * a run whose sync_orgs failed behind init's pending rows (with its events and a volume
 * check), an allowlist, a client, a person with a session and logs. Idempotent.
 */
async function adminOperator({ page, platform }) {
  adminPlatform = platform;
  await page.context().setExtraHTTPHeaders({ [HEADER]: adminAccess.jwt() });
  const ops = platform.d1('ops-db');
  const engine = platform.d1('engine-db-oc');
  const at = (min) => new Date(Date.parse('2026-11-21T16:00:00Z') + min * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  await ops.run("INSERT INTO sync_runs (run_id, sync_type, triggered_by, status, created_at, completed_at) VALUES (?1, 'tga_sync', 'cron', 'partial', ?2, ?3) ON CONFLICT DO NOTHING",
    ADMIN_RUN, at(0), at(9));
  const steps = [
    ['volume_check_orgs', 'complete', 12500, 12498, null, 0, 0], ['volume_check_training', 'complete', 84549, 84551, null, 0, 0],
    ['init', 'complete', null, 11, null, 0, 0], ['sweep_statuses', 'complete', 40, 3, null, 0, 1], ['sync_training', 'complete', 612, 609, null, 1, 5],
    ['sync_orgs', 'failed', 200, 0, 'https://ws.training.gov.au/Deewr.Tga.WebServices/OrganisationService.svc GetDetails: HTTP 500 after 3 attempt(s)', 5, 7],
    ['training_refresh', 'complete', 1000, 1000, null, 7, 8], ['write_log', 'complete', 9, 1, null, 8, 8], ['flag_restricted', 'complete', 6, 6, null, 8, 8],
    ['sync_qual_statuses', 'complete', 84549, 12, null, 8, 9], ['refresh_stats', 'pending', null, null, null, null, null], ['write_snapshot', 'pending', null, null, null, null, null],
  ];
  for (const [step, status, rin, rout, error, start, end] of steps) {
    await ops.run(`INSERT INTO tga_sync_steps (run_id, sync_type, step, status, triggered_by, records_in, records_out, error, started_at, completed_at, created_at)
      VALUES (?1, 'tga_sync', ?2, ?3, 'cron', ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING`,
    ADMIN_RUN, step, status, rin, rout, error, start == null ? null : at(start), end == null ? null : at(end), at(0));
  }
  await ops.run(`INSERT INTO regulatory_events (run_id, event_type, entity_type, entity_code, old_value, new_value, detail, created_at)
    VALUES (?1, 'supersession', 'qualification', 'BSB50420', 'current', 'superseded', 'superseded by BSB50424 (equivalent)', ?2) ON CONFLICT DO NOTHING`, ADMIN_RUN, at(5));
  await ops.run(`INSERT INTO sentinel_log (run_id, sync_type, metric, baseline, observed, drop_pct, threshold_pct, action, created_at)
    SELECT ?1, 'tga_sync', 'tga_organisations', 12500, 12498, 0.02, 20.0, 'none', ?2
     WHERE NOT EXISTS (SELECT 1 FROM sentinel_log WHERE run_id = ?1)`, ADMIN_RUN, at(0));
  await ops.run(`INSERT INTO access_allowlist (kind, value, label, active, created_at, created_by) VALUES
    ('domain', 'alpha.edu.au', 'Alpha Training (client)', 1, ?1, 'tim@rtopacks.com.au'),
    ('email', 'kim@beta.edu.au', 'Kim, Beta RTO', 0, ?1, 'tim@rtopacks.com.au') ON CONFLICT DO NOTHING`, at(0));
  const rto = await platform.d1('rtopacks-db').first('SELECT rto_code FROM rtos ORDER BY rto_code LIMIT 1').catch(() => null);
  adminRto = rto?.rto_code ?? '45329';
  await ops.run(`INSERT INTO rto_clients (rto_code, is_client, client_since, client_status, plan, created_at, updated_at)
    VALUES (?1, 1, ?2, 'active', 'essential', ?2, ?2) ON CONFLICT DO NOTHING`, adminRto, at(0));
  await engine.run("INSERT INTO orgs (id, name, rto_code, created_at) VALUES ('org_admin_screens', 'Alpha Training', ?1, ?2) ON CONFLICT DO NOTHING", adminRto, at(0));
  await engine.run(`INSERT INTO users (id, email, display_name, org_id, status, created_at, last_login_at)
    VALUES ('usr_admin_screens', 'kim@alpha.edu.au', 'Kim Alpha', (SELECT id FROM orgs WHERE rto_code = ?1), 'active', ?2, ?2) ON CONFLICT DO NOTHING`, adminRto, at(0));
  await engine.run(`INSERT INTO memberships (org_id, user_id, role, created_at)
    SELECT id, 'usr_admin_screens', 'owner', ?2 FROM orgs WHERE rto_code = ?1 ON CONFLICT DO NOTHING`, adminRto, at(0));
  await engine.run(`INSERT INTO sessions (id, token_hash, user_id, created_at, idle_expires_at, absolute_expires_at, revoked_at, revoke_reason)
    VALUES ('ses_admin_screens', ?1, 'usr_admin_screens', ?2, ?3, ?3, ?3, 'sec02_red') ON CONFLICT DO NOTHING`, 'ab'.repeat(32), at(0), at(30));
  if (!(await ops.first("SELECT 1 AS x FROM anomaly_log WHERE session_id = 'ses_admin_screens'"))) {
    await ops.run(`INSERT INTO anomaly_log (session_id, user_id, zone, trigger_reason, detail, action, created_at) VALUES
      ('ses_admin_screens', 'usr_admin_screens', 'amber', 'sequential', '{"run":30}', 'latency_injected', ?1),
      ('ses_admin_screens', 'usr_admin_screens', 'red', 'sequential', '{"run":100}', 'session_revoked', ?2)`, at(20), at(30));
    for (let i = 0; i < 12; i++) {
      await ops.run(`INSERT INTO api_access_log (endpoint, method, response_status, user_id, session_id, surface, latency_ms, timestamp)
        VALUES (?1, 'GET', ?2, 'usr_admin_screens', 'ses_admin_screens', 'internal-api', 4, ?3)`, `/catalogue/rtos/${10000 + i}`, i === 11 ? 401 : 200, at(18 + i));
    }
  }
}
