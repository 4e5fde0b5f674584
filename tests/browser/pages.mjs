// Pages scripts/screenshots visits: { name, url(origin), setup?, status? }.
// - `origin(stem)` is `http://<stem>.localhost:<port>`; a page on a worker that is not built
//   (or has no wrangler file yet) is skipped and listed, so surfaces can be named before they land.
// - `setup({ page, origin, platform, stack, viewport })` runs in the page's fresh context before
//   the visit (sign in, seed rows through platform.d1(...)); it runs once per viewport, so its
//   writes must be idempotent. Its own requests are not measured.
// - `status`: the answer expected (default 200); anything else fails the run.
// Screenshots: target/screenshots/<name>.png (1280 wide) and <name>-mobile.png (390 wide).
import { randomBytes } from 'node:crypto';

export default [
  { name: 'site-home', url: (origin) => `${origin('site')}/` },
  { name: 'workspace-home', url: (origin) => `${origin('workspace')}/` },
  { name: 'admin-home', url: (origin) => `${origin('admin')}/` },
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
];
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
});
const secret = () => randomBytes(32).toString('hex');

/**
 * Optional: wraps the stack's outbound handler (the upstream fakes), e.g. to serve a Cloudflare
 * Access team's certs for the admin console: `(next) => (request) => …`.
 */
export const outbound = (next) => next;
