// The operator console in headless Chromium, behind a test Cloudflare Access team (the token
// sent on every request with setExtraHTTPHeaders, as Access adds it in production):
// - after a faulted tga-sync (the TGA fake answering 500), the observatory shows the run as
//   partial with its error, and clicking from the runs feed to the run shows the failed step
//   with its error text in full;
// - an allowlist entry is added and deactivated through the page (the deactivate button,
//   CSRF and same-origin checks as a real browser sends them);
// - without the token, Chromium gets the plain refusal page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../harness/workers.mjs';
import { startBrowserStack } from './harness.mjs';
import { createFakes, DEFAULT_CREDENTIALS } from '../fakes/index.mjs';
import { createAccess, HEADER } from '../harness/access.mjs';
import { settled } from '../harness/expect.mjs';

const TOKEN = 'browser-trigger-token';
// With the workspace built, the deactivation is shown blocking a real link request.
const WORKSPACE = existsSync(join(ROOT, 'wrangler/workspace.toml')) && existsSync(join(ROOT, 'workers/workspace/build/index_bg.wasm'));
const OPERATOR = 'tim@rtopacks.com.au';
let stack, access, fakes, ops;

before(async () => {
  fakes = createFakes({ size: 'small', baseDate: '2026-11-21T16:00:00Z', now: () => stack?.platform.now() ?? new Date('2026-11-21T16:00:00Z') });
  access = createAccess({ now: () => stack.platform.now(), email: OPERATOR });
  stack = await startBrowserStack({
    workers: ['tga-sync', 'internal-api', 'admin', ...(WORKSPACE ? ['workspace'] : [])],
    now: '2026-11-21T16:00:00Z',
    outbound: access.outbound(fakes.fetch),
    bindings: (origin) => ({
      'tga-sync': { TRIGGER_TOKEN: TOKEN, TGA_USERNAME: DEFAULT_CREDENTIALS.username, TGA_PASSWORD: DEFAULT_CREDENTIALS.password,
        TGA_PAGE_SIZE: '12', TGA_REFRESH_PER_CYCLE: '12' },
      'internal-api': { ...access.vars(), ANON_SALT: 'salt' },
      admin: { ...access.vars(), ORIGIN: origin('admin'), CSRF_SECRET: 'admin-browser-csrf-secret-0123456789', TRIGGER_TOKEN: TOKEN },
      workspace: { ORIGIN: origin('workspace'), CSRF_SECRET: 'workspace-browser-csrf-secret-0123456789', ANON_SALT: 'salt' },
    }),
  });
  ops = stack.platform.d1('ops-db');
  await stack.platform.scheduled('tga-sync', { cron: '0 16 * * SAT' });
  assert.equal((await settled(ops, 'tga_sync')).status, 'complete');
});
after(() => stack?.dispose());

/** A page whose every request carries the operator's Access token. */
async function operatorPage() {
  const page = await stack.newPage();
  await page.context().setExtraHTTPHeaders({ [HEADER]: access.jwt() });
  return page;
}

test('the observatory shows a failed run\'s step with its error after a faulted sync: feed → run', async () => {
  stack.platform.setClock('2026-11-28T16:00:00Z');
  fakes.setVersion(2);
  fakes.inject({ host: 'ws.training.gov.au', op: 'GetDetails', kind: 'http500' });
  const previous = (await ops.first("SELECT run_id FROM sync_runs WHERE sync_type = 'tga_sync' ORDER BY created_at DESC LIMIT 1")).run_id;
  await stack.platform.scheduled('tga-sync', { cron: '0 16 * * SAT' });
  const run = await settled(ops, 'tga_sync', previous);
  fakes.clear();
  const failed = await ops.first("SELECT error FROM tga_sync_steps WHERE run_id = ?1 AND step = 'sync_training' AND status = 'failed'", run.run_id);
  assert.ok(failed, 'the walk failed');

  const page = await operatorPage();
  await page.goto(`${stack.origin('admin')}/`);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Observatory');
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'tga_sync' }) });
  assert.match(await card.textContent(), /partial/);
  assert.match(await card.textContent(), /HTTP 500/);

  const feed = page.getByRole('table', { name: 'Runs, newest first' });
  const row = feed.getByRole('row').filter({ hasText: run.run_id });
  assert.match(await row.textContent(), /partial/);
  assert.match(await row.textContent(), /HTTP 500/);
  await Promise.all([
    page.waitForURL(`${stack.origin('admin')}/runs/${run.run_id}`),
    row.getByRole('link', { name: run.run_id }).click(),
  ]);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), `Run ${run.run_id}`);
  const step = page.getByRole('table', { name: /Steps/ }).getByRole('row').filter({ hasText: 'sync_training' });
  assert.equal(await step.locator('.badge').textContent(), 'failed');
  await Promise.all([page.waitForURL(/#error-sync_training$/), step.getByRole('link', { name: 'Full error of sync_training' }).click()]);
  assert.equal(await page.locator('#error-sync_training').textContent(), failed.error, 'the error in full');
  await stack.screenshot(page, 'admin-run-failed', { dir: new URL('../../target/screenshots/tests', import.meta.url).pathname });
  await page.context().close();
});

/** Asks the workspace for a sign-in link in the browser; the page is the same either way. */
async function requestLink(email) {
  const page = await stack.newPage();
  await page.goto(`${stack.origin('workspace')}/auth`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
  await page.context().close();
  return (await stack.platform.d1('engine-db-oc').first('SELECT count(*) AS n FROM magic_link_tokens WHERE email = ?1', email)).n;
}

test('allowlist: add an entry and deactivate it through the page; the deactivation blocks a new link', async () => {
  stack.platform.setClock('2026-11-28T18:00:00Z');
  const page = await operatorPage();
  const origin = stack.origin('admin');
  await page.goto(`${origin}/access`);
  // A mistake first: the error is shown next to the field, in words.
  await page.getByLabel('Type').selectOption('domain');
  await page.getByLabel('Email address or domain').fill('gmail.com');
  await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Add' }).click()]);
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
  assert.match(await page.locator('#value-error').textContent(), /public mailbox provider/);

  await page.getByLabel('Type').selectOption('email');
  await page.getByLabel('Email address or domain').fill('kim@alpha.edu.au');
  await page.getByLabel('Label (optional)').fill('Kim <Alpha RTO>');
  await Promise.all([page.waitForURL(`${origin}/access?done=added`), page.getByRole('button', { name: 'Add' }).click()]);
  const entry = page.getByRole('row').filter({ hasText: 'kim@alpha.edu.au' });
  assert.match(await entry.textContent(), /Kim <Alpha RTO>/);
  assert.match(await entry.textContent(), /active/);
  if (WORKSPACE) assert.equal(await requestLink('kim@alpha.edu.au'), 1, 'allowed: a link is issued');

  await Promise.all([
    page.waitForURL(`${origin}/access?done=deactivated`),
    entry.getByRole('button', { name: 'Deactivate kim@alpha.edu.au' }).click(),
  ]);
  assert.match(await page.getByRole('status').textContent(), /Deactivated: no new sign-in links/);
  const after = page.getByRole('row').filter({ hasText: 'kim@alpha.edu.au' });
  assert.match(await after.textContent(), /inactive/);
  assert.equal(await after.getByRole('button').count(), 0);
  const row = await ops.first("SELECT active, deactivated_at FROM access_allowlist WHERE value = 'kim@alpha.edu.au'");
  assert.deepEqual(row, { active: 0, deactivated_at: '2026-11-28T18:00:00Z' });
  await page.context().close();
  if (WORKSPACE) assert.equal(await requestLink('kim@alpha.edu.au'), 1, 'deactivated: no new link (same page)');
});

test('without an Access token Chromium gets the plain refusal page', async () => {
  const page = await stack.newPage();
  const res = await page.goto(`${stack.origin('admin')}/access`);
  assert.equal(res.status(), 403);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Access refused');
  assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0);
  await page.context().close();
});
