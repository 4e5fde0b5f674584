// The workspace in headless Chromium: request a sign-in link, open it from the outbox, press
// Sign in, land on the dashboard as L4 (the user's org holds an RTO that is an active client),
// see the RTO and the tier, sign out, and be back at /auth. The sign-in form is also used with
// the keyboard alone, and every field is found by its label.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowserStack } from './harness.mjs';
import { createFakes, DEFAULT_CREDENTIALS } from '../fakes/index.mjs';
import { settled } from '../harness/expect.mjs';
import { QUIET_SEC02 } from '../harness/visitor.mjs';

const CSRF_SECRET = 'workspace-browser-csrf-secret-0123456789abcdef';
const NOW = '2026-11-23T00:00:00Z';
let stack, fakes, rto;

before(async () => {
  fakes = createFakes({ size: 'small', baseDate: '2026-11-21T16:00:00Z', now: () => stack?.platform.now() ?? new Date('2026-11-21T16:00:00Z') });
  stack = await startBrowserStack({
    workers: ['tga-sync', 'enrich-sync', 'internal-api', 'workspace'],
    now: '2026-11-21T16:00:00Z',
    outbound: (request) => fakes.fetch(request),
    bindings: (origin) => ({
      'tga-sync': { TRIGGER_TOKEN: 'browser-trigger', TGA_USERNAME: DEFAULT_CREDENTIALS.username, TGA_PASSWORD: DEFAULT_CREDENTIALS.password },
      'enrich-sync': { TRIGGER_TOKEN: 'browser-trigger', ENRICH_CODES_PER_INVOCATION: '40' },
      // A browser clicking through pages at machine speed is not what SEC-02 is tested on here.
      'internal-api': {
        ANON_SALT: 'browser-salt',
        ...QUIET_SEC02,
      },
      workspace: { CSRF_SECRET, ANON_SALT: 'browser-salt', ORIGIN: origin('workspace'), SITE_URL: origin('site') },
    }),
  });
  const { platform } = stack;
  const ops = platform.d1('ops-db');
  await platform.scheduled('tga-sync', { cron: '0 16 * * SAT' });
  assert.equal((await settled(ops, 'tga_sync')).status, 'complete');
  platform.setClock('2026-11-22T12:00:00Z');
  await platform.scheduled('enrich-sync', { cron: '0 12 * * SAT' });
  assert.equal((await settled(ops, 'enrich_sync')).status, 'complete');
  platform.setClock(NOW);

  // The client: an RTO with a named contact, an active rto_clients row, an org holding its
  // code, and the user linked to the org. Set up directly in D1, as the runbook does.
  const corpus = platform.d1('rtopacks-db');
  const engine = platform.d1('engine-db-oc');
  rto = await corpus.first(`SELECT r.rto_code, COALESCE(r.trading_name, r.legal_name) AS name FROM rtos r
    WHERE r.enriched = 1 AND EXISTS (SELECT 1 FROM rto_contacts c WHERE c.rto_code = r.rto_code AND c.last_name IS NOT NULL)
    ORDER BY r.rto_code LIMIT 1`);
  assert.ok(rto, 'an enriched RTO with a named contact');
  await ops.run("INSERT INTO rto_clients (rto_code, is_client, client_since, client_status, plan, created_at, updated_at) VALUES (?1, 1, ?2, 'active', 'essential', ?2, ?2)", rto.rto_code, NOW);
  await engine.run("INSERT INTO orgs (id, name, rto_code, created_at) VALUES ('org_browser', 'Browser Client College', ?1, ?2)", rto.rto_code, NOW);
  await engine.run("INSERT INTO users (id, email, org_id, status, created_at) VALUES ('usr_browser', 'kim@client.example.edu.au', 'org_browser', 'active', ?1)", NOW);
  await engine.run("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ('org_browser', 'usr_browser', 'owner', ?1)", NOW);
  await ops.run("INSERT INTO access_allowlist (kind, value, label, active, created_at, created_by) VALUES ('domain', 'client.example.edu.au', 'browser test', 1, ?1, 'test')", NOW);
});
after(() => stack?.dispose());

/** The newest sign-in link mailed to `email` once there are `count` of them. */
async function linkFor(email, count = 1) {
  for (let i = 0; i < 400; i++) {
    const rows = (await stack.platform.outbox()).filter((m) => JSON.parse(m.to_addrs).includes(email));
    if (rows.length >= count) return rows.at(-1).text.match(/(http:\/\/\S+\/auth\/verify\?t=[\w-]+\S*)/)[1];
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`no mail for ${email}`);
}

/** Tab until the focused element matches `selector`; fails after `max` presses. */
async function tabTo(page, selector, max = 20) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
  }
  assert.fail(`Tab never reached ${selector}`);
}

const h1 = (page) => page.getByRole('heading', { level: 1 }).textContent();

test('request a link, open it, Sign in: the dashboard as L4 with the RTO; sign out back to /auth', async () => {
  const home = stack.origin('workspace');
  const page = await stack.newPage();
  await page.goto(`${home}/documents`);
  assert.equal(page.url(), `${home}/auth?next=%2Fdocuments`, 'signed-out visitors are sent to sign in');
  assert.equal(await h1(page), 'Sign in');

  await page.getByLabel('Email address').fill('kim@client.example.edu.au');
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();

  const link = await linkFor('kim@client.example.edu.au');
  assert.ok(link.startsWith(`${home}/auth/verify?t=`), link);
  const landing = await page.goto(link);
  assert.equal(landing.status(), 200);
  assert.equal(await landing.headerValue('referrer-policy'), 'no-referrer');
  assert.equal(await h1(page), 'Sign in to RTOpacks Workspace');

  const [signin] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/auth/verify'),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  assert.equal(signin.status(), 303);
  await page.waitForURL(`${home}/documents`);
  const [cookie] = (await page.context().cookies()).filter((c) => c.name === '__Host-rtp_session');
  assert.ok(cookie, 'the session cookie is stored on workspace.localhost');
  assert.deepEqual([cookie.httpOnly, cookie.secure, cookie.sameSite, cookie.path], [true, true, 'Lax', '/']);

  await page.getByRole('link', { name: 'Overview' }).click();
  await page.waitForURL(`${home}/`);
  assert.equal(await h1(page), 'Your workspace');
  assert.equal(await page.locator('#tier').textContent(), 'L4');
  const main = await page.locator('main').textContent();
  assert.ok(main.includes(`Your RTO: ${rto.name}`), main.slice(0, 400));
  assert.ok(main.includes('Browser Client College'), 'the org');
  const named = await stack.platform.d1('rtopacks-db').first('SELECT last_name FROM rto_contacts WHERE rto_code = ?1 AND last_name IS NOT NULL LIMIT 1', rto.rto_code);
  assert.ok(main.includes(named.last_name), 'L4 sees the named contact');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${home}/auth?signed_out=1`);
  assert.equal(await h1(page), 'Sign in');
  assert.match(await page.locator('main').textContent(), /You have signed out\./);
  assert.deepEqual((await page.context().cookies()).filter((c) => c.name === '__Host-rtp_session'), []);
  await page.goto(`${home}/`);
  assert.equal(page.url(), `${home}/auth`, 'signed out for good');
  await page.context().close();
});

test('keyboard only: the sign-in form and the Sign in button, with labels on every field', async () => {
  const home = stack.origin('workspace');
  const page = await stack.newPage();
  await page.goto(`${home}/auth`);
  // Labels are attached: the field is found by its label text.
  const email = page.getByLabel('Email address');
  assert.equal(await email.getAttribute('type'), 'email');
  assert.equal(await email.getAttribute('autocomplete'), 'email');

  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to main content');
  await tabTo(page, '#email');
  await page.keyboard.type('not an address');
  await Promise.all([page.waitForURL(`${home}/auth`), page.keyboard.press('Enter')]);
  // The error in plain words, tied to the field and linked from the summary.
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
  assert.equal(await page.getByLabel('Email address').getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#email-error').textContent(), /Enter an email address/);
  await page.getByRole('link', { name: /Enter an email address/ }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'email');

  await page.keyboard.press('Control+A');
  await page.keyboard.type('lee@client.example.edu.au');
  await tabTo(page, 'button[type=submit]');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Email me a sign-in link');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();

  await page.goto(await linkFor('lee@client.example.edu.au'));
  await tabTo(page, 'button[type=submit]');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Sign in');
  await Promise.all([page.waitForURL(`${home}/`), page.keyboard.press('Enter')]);
  assert.equal(await h1(page), 'Your workspace');
  // A user outside the client org (the domain entry lets them in): signed in, not L4.
  assert.equal(await page.locator('#tier').textContent(), 'Signed in');
  await page.context().close();
});

test('documents in the browser: upload through the form, download, delete by the button named for the file', async () => {
  const home = stack.origin('workspace');
  const page = await stack.newPage();
  await page.goto(`${home}/auth?next=%2Fdocuments`);
  await page.getByLabel('Email address').fill('kim@client.example.edu.au');
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
  await page.goto(await linkFor('kim@client.example.edu.au', 2));
  await Promise.all([page.waitForURL(`${home}/documents`), page.getByRole('button', { name: 'Sign in' }).click()]);

  // A wrong type first: the form again, the reason tied to the field.
  await page.getByLabel('File').setInputFiles({ name: 'notes.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') });
  await page.getByRole('button', { name: 'Upload' }).click();
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
  assert.match(await page.locator('#document-error').textContent(), /Upload a PDF, Word/);

  const pdf = Buffer.from('%PDF-1.7\n% browser upload\n%%EOF\n');
  await page.getByLabel('File').setInputFiles({ name: 'Assessment matrix.pdf', mimeType: 'application/pdf', buffer: pdf });
  await Promise.all([page.waitForURL(`${home}/documents?uploaded=1`), page.getByRole('button', { name: 'Upload' }).click()]);
  assert.match(await page.locator('main').textContent(), /Your file was uploaded\./);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Assessment matrix.pdf' }).click()]);
  assert.equal(download.suggestedFilename(), 'Assessment matrix.pdf');
  const chunks = [];
  for await (const c of await download.createReadStream()) chunks.push(c);
  assert.deepEqual(Buffer.concat(chunks), pdf);

  await Promise.all([page.waitForURL(`${home}/documents?deleted=1`), page.getByRole('button', { name: 'Delete Assessment matrix.pdf' }).click()]);
  assert.match(await page.locator('main').textContent(), /The file was deleted\.[\s\S]*No files yet\./);
  await page.context().close();
});
