// Issue 5's early check: the session cookie works on the local hosts in Chromium.
// A real form is submitted and its 303 followed; the cookie must be stored, sent back to its own
// host only, and hidden from scripts. Every surface's local stack rests on this.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startBrowserStack } from './harness.mjs';

const script = readFileSync(new URL('./fixtures/cookiecheck.js', import.meta.url), 'utf8');
let stack;

before(async () => {
  stack = await startBrowserStack({
    extraWorkers: [
      { name: 'cookiecheck', script },
      { name: 'other', script },
    ],
  });
});
after(() => stack?.dispose());

const text = (page, id) => page.locator(`#${id}`).textContent();

/** Signs in through the form in a fresh context; returns { page, signin } (signin = the POST's response). */
async function signIn() {
  const page = await stack.newPage();
  await page.goto(`${stack.origin('cookiecheck')}/`);
  await page.getByLabel('Email').fill('someone@example.edu.au');
  const [signin] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/signin'),
    page.waitForURL(`${stack.origin('cookiecheck')}/me?**`),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  return { page, signin };
}

test('the local hosts are secure contexts to Chromium', async () => {
  const page = await stack.newPage();
  await page.goto(`${stack.origin('cookiecheck')}/`);
  assert.equal(await page.evaluate(() => window.isSecureContext), true);
  await page.context().close();
});

test('sign-in sets __Host-rtp_session, the 303 is followed and the cookie comes back', async () => {
  const { page, signin } = await signIn();
  assert.equal(signin.status(), 303);
  const setCookies = await signin.headerValues('set-cookie');
  assert.ok(
    setCookies.some((c) => /^__Host-rtp_session=[\w-]{43}; Path=\/; Secure; HttpOnly; SameSite=Lax$/.test(c)),
    `Set-Cookie was ${JSON.stringify(setCookies)}`,
  );

  const [cookie, ...others] = (await page.context().cookies()).filter((c) => c.name === '__Host-rtp_session');
  assert.equal(others.length, 0);
  assert.ok(cookie, 'Chromium refused the __Host- cookie on http://cookiecheck.localhost');
  assert.deepEqual(
    { domain: cookie.domain, path: cookie.path, secure: cookie.secure, httpOnly: cookie.httpOnly, sameSite: cookie.sameSite, expires: cookie.expires },
    { domain: 'cookiecheck.localhost', path: '/', secure: true, httpOnly: true, sameSite: 'Lax', expires: -1 },
  );
  // The server saw it on the redirected GET, with the value the browser stored.
  assert.equal(await text(page, 'method'), 'GET');
  assert.equal(await text(page, 'session'), cookie.value);
  // The form POST looked same-origin, with the origin a surface's CSRF check compares against.
  assert.equal(await text(page, 'signin-fetch-site'), 'same-origin');
  assert.equal(await text(page, 'signin-origin'), stack.origin('cookiecheck'));

  // And on a later visit in the same context.
  await page.goto(`${stack.origin('cookiecheck')}/me`);
  assert.equal(await text(page, 'session'), cookie.value);
  await page.context().close();
});

test('a form on a no-referrer page (the magic link landing) posts Origin: null, still same-origin', async () => {
  const page = await stack.newPage();
  await page.goto(`${stack.origin('cookiecheck')}/landing`);
  await Promise.all([page.waitForURL(`${stack.origin('cookiecheck')}/me?**`), page.locator('#confirm').click()]);
  assert.equal(await text(page, 'signin-fetch-site'), 'same-origin');
  assert.equal(await text(page, 'signin-origin'), 'null', 'a CSRF rule must accept this only with Sec-Fetch-Site: same-origin');
  assert.notEqual(await text(page, 'session'), 'none');
  await page.context().close();
});

test('the session cookie is HttpOnly: document.cookie does not show it', async () => {
  const { page } = await signIn();
  const visible = await page.evaluate(() => document.cookie);
  assert.equal(visible, 'rtp_probe=visible', 'scripts see the plain cookie set beside it, not the session');
  await page.context().close();
});

test('the cookie is host-only: other.localhost never receives it', async () => {
  const { page } = await signIn();
  await page.goto(`${stack.origin('other')}/me`);
  assert.equal(await text(page, 'session'), 'none');
  assert.deepEqual(await page.context().cookies(stack.origin('other')), []);
  await page.context().close();
});

test('each <stem>.localhost is its own site: a cross-host POST carries no Lax cookie, a link does', async () => {
  const { page } = await signIn();
  const me = `${stack.origin('cookiecheck')}/me`;

  await page.goto(`${stack.origin('other')}/?to=${encodeURIComponent(stack.origin('cookiecheck'))}`);
  await Promise.all([page.waitForURL(me), page.locator('#post-to').click()]);
  assert.equal(await text(page, 'method'), 'POST');
  assert.equal(await text(page, 'fetch-site'), 'cross-site');
  assert.equal(await text(page, 'session'), 'none');

  await page.goto(`${stack.origin('other')}/?to=${encodeURIComponent(stack.origin('cookiecheck'))}`);
  await Promise.all([page.waitForURL(me), page.locator('#link-to').click()]);
  assert.equal(await text(page, 'method'), 'GET');
  assert.equal(await text(page, 'fetch-site'), 'cross-site');
  assert.notEqual(await text(page, 'session'), 'none', 'a top-level GET carries the Lax cookie');
  await page.context().close();
});

test('each newPage() has its own cookie jar', async () => {
  const { page } = await signIn();
  const fresh = await stack.newPage();
  await fresh.goto(`${stack.origin('cookiecheck')}/me`);
  assert.equal(await text(fresh, 'session'), 'none');
  await Promise.all([page.context().close(), fresh.context().close()]);
});

test('screenshot() writes a full-page PNG', async () => {
  const { page } = await signIn();
  const path = await stack.screenshot(page, 'cookiecheck-me', { dir: new URL('../../target/screenshots/tests', import.meta.url).pathname });
  const png = readFileSync(path);
  assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
  assert.equal(png.readUInt32BE(16), 1280, 'width from the IHDR chunk');
  await page.context().close();
});
