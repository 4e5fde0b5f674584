// The public site in headless Chromium, through real links and forms only: search from the
// home page → the qualification's page → an RTO with it on scope; then claim that RTO (the
// link read from ops-db's email_outbox, opened, confirmed) and land on the success page with
// the way into the workspace. Every field is found by its label.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowserStack } from './harness.mjs';
import { createFakes, DEFAULT_CREDENTIALS } from '../fakes/index.mjs';
import { settled } from '../harness/expect.mjs';
import { QUIET_SEC02 } from '../harness/visitor.mjs';

const CSRF_SECRET = 'site-browser-csrf-secret-0123456789abcdefgh';
const NOW = '2026-11-23T00:00:00Z';
let stack, fakes, corpus, ops, engine;
const codes = {};

before(async () => {
  fakes = createFakes({ size: 'small', baseDate: '2026-11-21T16:00:00Z', now: () => stack?.platform.now() ?? new Date('2026-11-21T16:00:00Z') });
  stack = await startBrowserStack({
    workers: ['cricos-sync', 'tga-sync', 'enrich-sync', 'internal-api', 'site'],
    now: '2026-11-21T16:00:00Z',
    outbound: (request) => fakes.fetch(request),
    bindings: (origin) => ({
      'cricos-sync': { TRIGGER_TOKEN: 'browser-trigger' },
      'tga-sync': { TRIGGER_TOKEN: 'browser-trigger', TGA_USERNAME: DEFAULT_CREDENTIALS.username, TGA_PASSWORD: DEFAULT_CREDENTIALS.password },
      'enrich-sync': { TRIGGER_TOKEN: 'browser-trigger', ENRICH_CODES_PER_INVOCATION: '40' },
      // A browser clicking through pages at machine speed is not what SEC-02 is tested on here.
      'internal-api': {
        ANON_SALT: 'browser-salt',
        ...QUIET_SEC02,
      },
      site: { CSRF_SECRET, ORIGIN: origin('site'), WORKSPACE_URL: origin('workspace'), ENVIRONMENT: 'dev' },
    }),
  });
  const { platform } = stack;
  corpus = platform.d1('rtopacks-db');
  ops = platform.d1('ops-db');
  engine = platform.d1('engine-db-oc');
  await platform.scheduled('cricos-sync', { cron: '0 18 1 * *' });
  assert.equal((await settled(ops, 'cricos_sync')).status, 'complete');
  await platform.scheduled('tga-sync', { cron: '0 16 * * SAT' });
  assert.equal((await settled(ops, 'tga_sync')).status, 'complete');
  platform.setClock('2026-11-22T12:00:00Z');
  await platform.scheduled('enrich-sync', { cron: '0 12 * * SAT' });
  assert.equal((await settled(ops, 'enrich_sync')).status, 'complete');
  platform.setClock(NOW);

  // A current qualification that an enriched RTO with a web address has on scope.
  const pick = await corpus.first(`SELECT c.code, c.title, s.rto_code FROM tga_training_components c
    JOIN rto_scope s ON s.component_code = c.code AND s.is_current = 1 AND s.is_refused = 0 AND s.is_implicit = 0
    JOIN rtos r ON r.rto_code = s.rto_code AND r.enriched = 1
    WHERE c.component_type = 'Qualification' AND c.is_current = 1
      AND EXISTS (SELECT 1 FROM rto_web_addresses w WHERE w.rto_code = s.rto_code)
      AND (SELECT count(*) FROM rto_scope x WHERE x.component_code = c.code AND x.is_current = 1 AND x.is_refused = 0) <= 10
    ORDER BY c.code, s.rto_code LIMIT 1`);
  assert.ok(pick, 'a qualification on an enriched RTO\'s scope');
  Object.assign(codes, pick);
  const url = (await corpus.first('SELECT url FROM rto_web_addresses WHERE rto_code = ?1 ORDER BY url LIMIT 1', pick.rto_code)).url;
  codes.host = url.replace(/^https?:\/\/(www\.)?/i, '').split('/')[0].toLowerCase();
});
after(() => stack?.dispose());

const h1 = (page) => page.getByRole('heading', { level: 1 }).textContent();

/** The claim link mailed to `email`, once it is in the outbox. */
async function claimLink(email) {
  for (let i = 0; i < 400; i++) {
    const rows = (await stack.platform.outbox()).filter((m) => JSON.parse(m.to_addrs).includes(email));
    if (rows.length) return rows.at(-1).text.match(/(http:\/\/\S+\/claim\/verify\?t=[\w-]+)/)[1];
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`no mail for ${email}`);
}

test('search from the home page, open the qualification, then an RTO with it on scope', async () => {
  const page = await stack.newPage();
  await page.goto(`${stack.origin('site')}/`);
  assert.match(await h1(page), /searchable/);
  await page.getByLabel('Search qualifications, units, skill sets and RTOs').fill(codes.title);
  await Promise.all([page.waitForURL(/\/search\?q=/), page.getByRole('button', { name: 'Search' }).click()]);
  assert.equal(await h1(page), 'Search the register');
  // The filters are all labelled, and the query stays in the box.
  for (const label of ['Search for', 'Type', 'Status', 'AQF level', 'State (RTOs)', 'Training package', 'On the scope of RTO']) {
    assert.equal(await page.getByLabel(label, { exact: true }).count(), 1, label);
  }
  assert.equal(await page.getByLabel('Search for').inputValue(), codes.title);

  // The result, by its real link.
  const result = page.locator('ol.results a', { hasText: codes.code }).first();
  await Promise.all([page.waitForURL(`**/qualifications/${codes.code}`), result.click()]);
  assert.equal(await h1(page), `${codes.code} ${codes.title}`);
  assert.equal(await page.locator('h2', { hasText: 'RTOs with it on scope' }).count(), 1);

  // An RTO with it on scope, by its link in the table.
  const rtoLink = page.locator('table', { has: page.locator('caption', { hasText: 'RTOs with it on scope' }) })
    .getByRole('link', { name: codes.rto_code, exact: true });
  await Promise.all([page.waitForURL(`**/rtos/${codes.rto_code}`), rtoLink.click()]);
  assert.match(await h1(page), new RegExp(`^${codes.rto_code} `));
  assert.equal(await page.locator('h2', { hasText: 'Scope of registration' }).count(), 1);
  // The qualification is in the RTO's scope table, linked back.
  assert.ok(await page.getByRole('link', { name: codes.code, exact: true }).count() >= 1);
  await page.context().close();
});

test('claim the RTO: form, the link from the outbox, Confirm, the success page', async () => {
  const page = await stack.newPage();
  await page.goto(`${stack.origin('site')}/rtos/${codes.rto_code}`);
  await Promise.all([page.waitForURL(`**/rtos/${codes.rto_code}/claim`), page.getByRole('link', { name: 'Claim this page' }).click()]);
  assert.match(await h1(page), new RegExp(`^Claim RTO ${codes.rto_code}`));

  // A public mailbox first: refused with the reason, next to the field.
  await page.getByLabel('Your work email address').fill('someone@gmail.com');
  await page.getByRole('button', { name: 'Email me a claim link' }).click();
  await page.waitForSelector('.error-summary');
  assert.match(await page.locator('.error-summary').textContent(), /gmail\.com can't show that you work at this RTO/);

  const email = `owner@${codes.host}`;
  await page.getByLabel('Your work email address').fill(email);
  await Promise.all([page.waitForURL(/\/claim\?sent=1$/), page.getByRole('button', { name: 'Email me a claim link' }).click()]);
  assert.equal(await h1(page), 'Check your email');

  const link = await claimLink(email);
  assert.ok(link.startsWith(`${stack.origin('site')}/claim/verify?t=`), link);
  const [landing] = await Promise.all([page.waitForResponse((r) => r.url() === link), page.goto(link)]);
  assert.equal(landing.headers()['referrer-policy'], 'no-referrer');
  assert.equal(await h1(page), 'Confirm your claim');
  assert.match(await page.locator('main').textContent(), new RegExp(`RTO ${codes.rto_code} as ${email.replace(/\./g, '\\.')}`));
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/claim/verify'),
    page.getByRole('button', { name: 'Confirm my claim' }).click(),
  ]);
  await page.waitForSelector('h1');
  assert.equal(await h1(page), 'Claim confirmed');
  assert.match(await page.locator('main').textContent(), /Your claim is confirmed\./);
  const signIn = page.getByRole('link', { name: 'Sign in to your workspace' });
  assert.equal(await signIn.getAttribute('href'), `${stack.origin('workspace')}/auth`);

  const user = await engine.first('SELECT * FROM users WHERE email = ?1', email);
  const org = await engine.first('SELECT * FROM orgs WHERE rto_code = ?1', codes.rto_code);
  assert.equal(user.org_id, org.id);
  assert.ok(await ops.first("SELECT 1 AS ok FROM access_allowlist WHERE kind = 'email' AND value = ?1 AND active = 1", email));

  // The same link again: used.
  const again = await page.goto(link);
  assert.equal(again.status(), 410);
  assert.equal(await h1(page), 'This link has been used');
  await page.context().close();
});
