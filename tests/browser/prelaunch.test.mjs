// The prelaunch waitlist in headless Chromium, keyboard only: fill the form, submit, open
// the verification link from the outbox, press Confirm, and land on the verified page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowserStack } from './harness.mjs';

const CSRF_SECRET = 'prelaunch-browser-csrf-secret-0123456789abcdef';
let stack;

before(async () => {
  stack = await startBrowserStack({
    workers: ['prelaunch'],
    now: '2026-11-24T10:00:00Z',
    bindings: (origin) => ({ prelaunch: { CSRF_SECRET, ORIGIN: origin('prelaunch') } }),
  });
});
after(() => stack?.dispose());

/** Tab until the focused element matches `selector`; fails after `max` presses. */
async function tabTo(page, selector, max = 20) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
  }
  assert.fail(`Tab never reached ${selector}`);
}

async function linkFor(email) {
  for (let i = 0; i < 400; i++) {
    const rows = (await stack.platform.outbox()).filter((m) => JSON.parse(m.to_addrs).includes(email));
    if (rows.length) return rows[0].text.match(/(http:\/\/\S+\/verify\?t=[\w-]+)/)[1];
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`no mail for ${email}`);
}

test('join the waitlist with the keyboard, open the link from the mail, confirm', async () => {
  const email = 'kim@example.edu.au';
  const page = await stack.newPage();
  const home = stack.origin('prelaunch');
  await page.goto(`${home}/`);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'RTOpacks for Australian RTOs');

  // The skip link comes first, then the form's fields in order.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to main content');
  await tabTo(page, '#email');
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'name');
  await page.keyboard.type('Kim <Lee>');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'organisation');
  await page.keyboard.type('Example Training');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'rto_code');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Join the waitlist');
  await Promise.all([page.waitForURL(`${home}/`), page.keyboard.press('Enter')]);
  await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
  assert.match(await page.locator('main').textContent(), /Thanks, Kim <Lee>\. If kim@example\.edu\.au still needs confirming/);

  // The link from the mail, opened in the same browser: a Confirm button, nothing used yet.
  const link = await linkFor(email);
  assert.ok(link.startsWith(`${home}/verify?t=`), link);
  const landing = await page.goto(link);
  assert.equal(landing.status(), 200);
  assert.equal(await landing.headerValue('referrer-policy'), 'no-referrer');
  await page.getByRole('heading', { level: 1, name: 'Confirm your email' }).waitFor();
  const intake = stack.platform.d1('rto-intake-db');
  assert.equal((await intake.first('SELECT status FROM waitlist WHERE email = ?1', email)).status, 'pending');

  await tabTo(page, 'button[type=submit]');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Confirm my email');
  const [confirm] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/verify'),
    page.keyboard.press('Enter'),
  ]);
  assert.equal(confirm.status(), 200);
  await page.getByRole('heading', { level: 1, name: "You're on the waitlist" }).waitFor();
  assert.equal(await page.getByRole('status').textContent(), 'Your email address is confirmed.');
  const row = await intake.first('SELECT status, verified_at, name FROM waitlist WHERE email = ?1', email);
  assert.deepEqual(row, { status: 'verified', verified_at: '2026-11-24T10:00:00Z', name: 'Kim <Lee>' });
  await page.context().close();
});

test('a mistake is shown next to its field and the corrected form goes through', async () => {
  const page = await stack.newPage();
  const home = stack.origin('prelaunch');
  await page.goto(`${home}/`);
  await page.getByLabel('Email address').fill('not an address');
  await page.getByLabel('RTO code (optional)').fill('12a');
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Join the waitlist' }).click()]);
  const summary = page.getByRole('alert');
  await summary.waitFor();
  assert.match(await summary.textContent(), /There is a problem/);
  // The summary has focus (no script: autofocus), and its links lead to the fields.
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains('error-summary')), true);
  assert.equal(await page.getByLabel('Email address').getAttribute('aria-invalid'), 'true');
  await page.getByRole('link', { name: /1 to 8 digits/ }).click();
  assert.equal(new URL(page.url()).hash, '#rto_code');

  await page.getByLabel('Email address').fill('fixed@example.edu.au');
  await page.getByLabel('RTO code (optional)').fill('');
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Join the waitlist' }).click()]);
  await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
  await page.context().close();
});
