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
];
let prelaunchLink = null;

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
