// rtopacks-prelaunch under Miniflare: the waitlist (sign-up → outbox mail → the link's page
// does not verify → its Confirm POST does), one answer for every address state, single-use
// and expiring links on the test clock, plain-words form errors that write nothing, CSRF,
// hostile input stored verbatim and shown escaped, the odd paths, and the launch switch
// (APEX=site hands every request to rtopacks-site unchanged; hold does not).
//
// rtopacks-site is a small echo worker here (registered beside the wrangler workers under
// the site's name), so the switch is tested on exactly what it must do: pass the request
// through and the answer back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startPlatform } from './harness/platform.mjs';

const ORIGIN = 'https://rtopacks.com.au';
const T0 = '2026-11-24T10:00:00Z';
const CSRF_SECRET = 'prelaunch-test-csrf-secret-0123456789abcdef';
const RTO = '45329'; // on the register (seeded below)

// rtopacks-site stand-in: echoes what reached it, with a status and headers of its own.
const SITE_ECHO = `export default {
  async fetch(req) {
    const body = await req.text();
    return new Response(JSON.stringify({ method: req.method, url: req.url, headers: Object.fromEntries(req.headers), body }), {
      status: 207,
      headers: { 'content-type': 'application/json', 'x-served-by': 'rtopacks-site', 'set-cookie': 'site=1; Path=/' },
    });
  },
};`;
const site = { name: 'rtopacks-site', script: SITE_ECHO };

const start = (vars = {}) => startPlatform({
  workers: ['prelaunch'],
  now: T0,
  bindings: { prelaunch: { CSRF_SECRET, ...vars } },
  extraWorkers: [site],
});

let platform, intake, corpus;
let ipCounter = 0;
/** A fresh requester address per sign-up unless a test is about the requester. */
const nextIp = () => `198.51.100.${++ipCounter}`;

before(async () => {
  platform = await start();
  intake = platform.d1('rto-intake-db');
  corpus = platform.d1('rtopacks-db');
  await corpus.run(
    "INSERT INTO tga_organisations (code, legal_name, synced_at) VALUES (?1, 'Acme Training Pty Ltd', '2026-11-21T16:00:00Z')", RTO);
});
after(() => platform?.dispose());

const at = (iso) => platform.setClock(iso);
const plus = (iso, seconds) => new Date(Date.parse(iso) + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A request to the apex. */
function visit(path, { method = 'GET', cookie, headers = {}, body } = {}) {
  return platform.fetch(`${ORIGIN}${path}`, {
    method,
    headers: { ...(cookie ? { Cookie: cookie } : {}), ...headers },
    body,
    redirect: 'manual',
  });
}

const cookieOf = (res) => {
  const c = res.headers.getSetCookie().find((x) => x.startsWith('__Host-rtp_csrf='));
  return c ? c.split(';')[0] : null;
};
const csrfIn = (html) => html.match(/name="csrf" value="([^"]+)"/)?.[1];

/** A visitor: the landing page's cookie and token. */
async function visitor() {
  const res = await visit('/');
  assert.equal(res.status, 200);
  const html = await res.text();
  return { cookie: cookieOf(res), csrf: csrfIn(html) };
}

/** POST a form as the browser would (same origin), overridable per test. */
function post(path, fields, { cookie, origin = ORIGIN, fetchSite = 'same-origin', ip = nextIp(), headers = {} } = {}) {
  return visit(path, {
    method: 'POST',
    cookie,
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(origin ? { Origin: origin } : {}),
      ...(fetchSite ? { 'Sec-Fetch-Site': fetchSite } : {}),
      'CF-Connecting-IP': ip,
      ...headers,
    },
    body: new URLSearchParams(fields).toString(),
  });
}

/** Sign up through the landing page's form; returns the response and its text. */
async function signUp(fields, opts = {}) {
  const v = opts.as ?? (await visitor());
  const res = await post('/', { csrf: v.csrf, ...fields }, { cookie: v.cookie, ...opts });
  return { res, html: await res.text(), visitor: v };
}

const mailsTo = async (email) =>
  (await platform.outbox()).filter((m) => JSON.parse(m.to_addrs).includes(email));

/** The outbox rows for `email` once there are `n` (mail is written after the answer leaves). */
async function mailFor(email, n = 1) {
  for (let i = 0; i < 400; i++) {
    const rows = await mailsTo(email);
    if (rows.length >= n) return rows;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`no mail #${n} for ${email}`);
}

let sentinels = 0;
/** Waits until every mail started so far has been written: a fresh sign-up's mail lands after them. */
async function settleMail() {
  const email = `sentinel-${++sentinels}@example.org`;
  await signUp({ email });
  await mailFor(email);
}

const linkIn = (mail) => mail.text.match(/(https:\/\/\S+\/verify\?t=([\w-]+))/);
const sha256 = (s) => createHash('sha256').update(s).digest('hex');
const entry = (email) => intake.first('SELECT * FROM waitlist WHERE email = ?1', email);
const count = async (sql, ...p) => (await intake.first(sql, ...p)).n;

function assertSecurityHeaders(res, referrer = 'strict-origin-when-cross-origin') {
  assert.match(res.headers.get('content-security-policy'), /^default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'$/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('referrer-policy'), referrer);
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
}

test('the landing page says what RTOpacks is and carries a labelled, protected waitlist form', async () => {
  const res = await visit('/');
  assert.equal(res.status, 200);
  assertSecurityHeaders(res);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.match(res.headers.getSetCookie().join('\n'), /^__Host-rtp_csrf=[\w-]{43}; Path=\/; Secure; HttpOnly; SameSite=Lax; Max-Age=86400$/m);
  const html = await res.text();
  assert.match(html, /^<!DOCTYPE html><html lang="en-AU">/);
  assert.equal(html.match(/<h1/g).length, 1);
  assert.match(html, /<h1>RTOpacks for Australian RTOs<\/h1>/);
  assert.match(html, /training\.gov\.au/);
  assert.match(html, /<form method="post" action="\/" novalidate><input type="hidden" name="csrf" value="[\w-]{54}">/);
  for (const [id, label] of [['email', 'Email address'], ['name', 'Your name (optional)'], ['organisation', 'Organisation (optional)'], ['rto_code', 'RTO code (optional)']]) {
    assert.match(html, new RegExp(`<label for="${id}">${label.replace(/[()]/g, '\\$&')}</label>`), id);
    assert.match(html, new RegExp(`<input type="(text|email)" id="${id}" name="${id}"`), id);
  }
  assert.match(html, /<input type="email" id="email" name="email" value="" required/);
  assert.doesNotMatch(html, /<script/i);
  // A returning visitor keeps their cookie (no new one).
  const again = await visit('/', { cookie: cookieOf(res) });
  assert.equal(cookieOf(again), null);
  // The stylesheet the page links is served; HEAD has no body.
  const css = html.match(/href="(\/assets\/app\.[0-9a-f]{10}\.css)"/)[1];
  const sheet = await visit(css);
  assert.equal(sheet.status, 200);
  assert.equal(sheet.headers.get('content-type'), 'text/css; charset=utf-8');
  const head = await visit('/', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
});

test('sign-up → mail with the link → opening it verifies nothing → Confirm verifies, once', async () => {
  at(T0);
  const email = 'jane@acme.edu.au';
  const { res, html } = await signUp({ email: ' Jane@Acme.edu.au ', name: 'Jane', organisation: 'Acme Training', rto_code: RTO });
  assert.equal(res.status, 200);
  assertSecurityHeaders(res);
  assert.match(html, /<h1>Check your email<\/h1>/);
  assert.match(html, /Thanks, Jane\. If <strong>jane@acme\.edu\.au<\/strong> still needs confirming/);

  const e = await entry(email);
  assert.deepEqual(
    { name: e.name, organisation: e.organisation, rto_code: e.rto_code, source: e.source, status: e.status, created_at: e.created_at },
    { name: 'Jane', organisation: 'Acme Training', rto_code: RTO, source: 'prelaunch', status: 'pending', created_at: T0 });

  const [mail] = await mailFor(email);
  assert.equal(mail.status, 'recorded');
  assert.equal(mail.subject, 'Confirm your email for the RTOpacks waitlist');
  assert.match(mail.from_addr, /^RTOpacks <noreply@rtopacks\.com\.au>$/);
  const [link, token] = linkIn(mail).slice(1);
  assert.equal(link, `${ORIGIN}/verify?t=${token}`, 'the link starts with ORIGIN');
  assert.equal(token.length, 43);
  assert.doesNotMatch(mail.text, /Jane|Acme/, 'nothing typed into the form but the address reaches the mail');
  // Only the hash is stored, 15 minutes.
  const tok = await intake.first('SELECT * FROM verification_tokens WHERE email = ?1', email);
  assert.equal(tok.token_hash, sha256(token));
  assert.equal(tok.expires_at, '2026-11-24T10:15:00Z');
  assert.match(tok.requested_ip_hash, /^[0-9a-f]{32}$/);
  const dump = JSON.stringify(await intake.all('SELECT * FROM verification_tokens')) + JSON.stringify(await intake.all('SELECT * FROM waitlist'));
  assert.ok(!dump.includes(token), 'the token itself is nowhere in rto-intake-db');

  // Opening the link (a mail scanner would) shows a Confirm button and changes nothing.
  at('2026-11-24T10:05:00Z');
  const path = new URL(link).pathname + new URL(link).search;
  for (let i = 0; i < 2; i++) {
    const page = await visit(path);
    assert.equal(page.status, 200);
    assertSecurityHeaders(page, 'no-referrer');
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.equal(page.headers.get('x-robots-tag'), 'noindex');
    const body = await page.text();
    assert.match(body, /<h1>Confirm your email<\/h1>/);
    assert.match(body, /<form method="post" action="\/verify" novalidate><input type="hidden" name="csrf" value="[\w-]{54}"><input type="hidden" name="t" value="[\w-]{43}">/);
    assert.match(body, /<button type="submit" class="button">Confirm my email<\/button>/);
  }
  assert.equal((await entry(email)).status, 'pending');
  assert.equal(await count('SELECT count(*) AS n FROM verification_tokens WHERE used_at IS NOT NULL'), 0);

  // The link opened in another browser: its page gives that browser its own cookie and token.
  const page = await visit(path);
  const cookie = cookieOf(page);
  const csrf = csrfIn(await page.text());
  const confirmed = await post('/verify', { csrf, t: token }, { cookie });
  assert.equal(confirmed.status, 200);
  assertSecurityHeaders(confirmed, 'no-referrer');
  const done = await confirmed.text();
  assert.match(done, /<h1>You&#39;re on the waitlist<\/h1>|<h1>You're on the waitlist<\/h1>/);
  assert.match(done, /Your email address is confirmed\./);
  assert.match(done, /<strong>jane@acme\.edu\.au<\/strong> is on the RTOpacks waitlist/);
  const v = await entry(email);
  assert.deepEqual({ status: v.status, verified_at: v.verified_at }, { status: 'verified', verified_at: '2026-11-24T10:05:00Z' });

  // Single use: the same Confirm again, and the link again.
  const again = await post('/verify', { csrf, t: token }, { cookie });
  assert.equal(again.status, 410);
  const againHtml = await again.text();
  assert.match(againHtml, /This link has already been used/);
  assert.match(againHtml, /you&#39;re on the waitlist|you're on the waitlist/);
  assert.match(againHtml, /<a href="\/">Join the waitlist<\/a>/);
  const reopened = await visit(path);
  assert.equal(reopened.status, 410);
  assert.equal((await entry(email)).verified_at, '2026-11-24T10:05:00Z');
});

test('new, waiting, confirmed and rate-limited addresses get the same answer; mail only when a link was issued', async () => {
  at('2026-11-24T11:00:00Z');
  const v = await visitor();
  const as = { as: v };
  // Prepare: one waiting (one mail), one confirmed, one at its limit (three mails).
  await signUp({ email: 'waiting@example.org' }, as);
  await signUp({ email: 'confirmed@example.org' }, as);
  const [m] = await mailFor('confirmed@example.org');
  const token = linkIn(m)[2];
  const page = await visit(`/verify?t=${token}`, { cookie: v.cookie });
  assert.equal((await post('/verify', { csrf: csrfIn(await page.text()), t: token }, { cookie: v.cookie })).status, 200);
  for (let i = 0; i < 3; i++) await signUp({ email: 'busy@example.org' }, as);
  await mailFor('busy@example.org', 3);
  await mailFor('waiting@example.org', 1);

  const fields = { name: 'Sam', organisation: 'Example RTO', rto_code: RTO };
  const answers = {};
  for (const email of ['new@example.org', 'waiting@example.org', 'confirmed@example.org', 'busy@example.org']) {
    const { res, html } = await signUp({ email, ...fields }, as);
    const headers = [...res.headers].filter(([k]) => k !== 'date');
    answers[email] = { status: res.status, headers, body: html.replaceAll(email, 'EMAIL') };
  }
  const [first, ...rest] = Object.values(answers);
  assert.equal(first.status, 200);
  for (const other of rest) assert.deepEqual(other, first);

  await settleMail();
  assert.equal((await mailsTo('new@example.org')).length, 1);
  assert.equal((await mailsTo('waiting@example.org')).length, 2, 'a waiting address gets a new link');
  assert.equal((await mailsTo('confirmed@example.org')).length, 1, 'a confirmed address gets no mail');
  assert.equal((await mailsTo('busy@example.org')).length, 3, 'the fourth request in 15 minutes gets no mail');
  assert.equal((await entry('confirmed@example.org')).status, 'verified');
  // Blank fields are filled by a repeat; filled ones are never rewritten.
  assert.equal((await entry('waiting@example.org')).name, 'Sam');

  // The window passes: the busy address may have a link again.
  at('2026-11-24T11:16:00Z');
  await signUp({ email: 'busy@example.org' });
  await mailFor('busy@example.org', 4);
});

test('one requester cannot mail any number of addresses: 10 links per 15 minutes, same page after', async () => {
  at('2026-11-24T12:00:00Z');
  const ip = '203.0.113.50';
  for (let i = 1; i <= 11; i++) {
    const { res, html } = await signUp({ email: `crowd${i}@example.org` }, { ip });
    assert.equal(res.status, 200);
    assert.match(html, /Check your email/);
  }
  await settleMail();
  const mailed = (await platform.outbox()).filter((m) => /crowd\d+@/.test(m.to_addrs)).length;
  assert.equal(mailed, 10);
  assert.equal((await mailsTo('crowd11@example.org')).length, 0);
  assert.equal((await entry('crowd11@example.org')).status, 'pending', 'the sign-up itself is kept');
});

test('links expire after 15 minutes on the test clock', async () => {
  const t = '2026-11-24T13:00:00Z';
  at(t);
  const email = 'late@example.org';
  await signUp({ email });
  const [mail] = await mailFor(email);
  const token = linkIn(mail)[2];

  at(plus(t, 14 * 60 + 59));
  const page = await visit(`/verify?t=${token}`);
  assert.equal(page.status, 200, 'still usable a second before expiry');
  const cookie = cookieOf(page);
  const csrf = csrfIn(await page.text());

  at(plus(t, 15 * 60));
  const expired = await visit(`/verify?t=${token}`, { cookie });
  assert.equal(expired.status, 410);
  assertSecurityHeaders(expired, 'no-referrer');
  const html = await expired.text();
  assert.match(html, /<h1>This link has expired<\/h1>/);
  assert.match(html, /Links work for 15 minutes\./);
  assert.match(html, /Join the waitlist again to get a new link\./);
  const posted = await post('/verify', { csrf, t: token }, { cookie });
  assert.equal(posted.status, 410);
  assert.match(await posted.text(), /This link has expired/);
  assert.equal((await entry(email)).status, 'pending');
  assert.equal(await count('SELECT count(*) AS n FROM verification_tokens WHERE email = ?1 AND used_at IS NOT NULL', email), 0);
});

test('links that cannot be ours are refused in plain words without a lookup', async () => {
  for (const q of ['', '?t=', '?t=short', `?t=${'a'.repeat(44)}`, `?t=${'%3C'.repeat(43)}`]) {
    const res = await visit(`/verify${q}`);
    assert.equal(res.status, 404, q);
    assertSecurityHeaders(res, 'no-referrer');
    assert.match(await res.text(), /This link doesn(&#39;|')t work/);
  }
  // Well formed but never issued.
  const res = await visit(`/verify?t=${'A'.repeat(43)}`);
  assert.equal(res.status, 404);
});

test('bad input: the form comes back with plain-words errors and the values, and nothing is written', async () => {
  at('2026-11-24T14:00:00Z');
  const before = [await count('SELECT count(*) AS n FROM waitlist'), await count('SELECT count(*) AS n FROM verification_tokens')];
  const cases = [
    [{ email: '' }, 'email', 'Enter your email address.'],
    [{ email: 'not-an-address' }, 'email', 'Enter an email address with an @, like name@example.com.'],
    [{ email: 'a@b' }, 'email', 'Enter an email address like name@example.com.'],
    [{ email: 'ok@example.org', rto_code: '123456789' }, 'rto_code', 'An RTO code is 1 to 8 digits, like 45329. Check the code, or leave it blank.'],
    [{ email: 'ok@example.org', rto_code: '45329a' }, 'rto_code', 'An RTO code is 1 to 8 digits, like 45329. Check the code, or leave it blank.'],
    [{ email: 'ok@example.org', rto_code: '99999' }, 'rto_code', 'RTO 99999 isn(&#39;|\')t on training.gov.au(&#39;|\')s register. Check the code, or leave it blank.'],
    [{ email: 'ok@example.org', name: 'x'.repeat(201) }, 'name', 'Your name is too long. Use 200 characters or fewer.'],
    [{ email: 'ok@example.org', organisation: 'Line\nbreak' }, 'organisation', 'The organisation(&#39;|\')s name can(&#39;|\')t contain line breaks or other control characters.'],
  ];
  for (const [fields, field, message] of cases) {
    const { res, html } = await signUp(fields);
    assert.equal(res.status, 400, JSON.stringify(fields));
    assertSecurityHeaders(res);
    assert.match(html, /<h2 id="error-summary-title">There is a problem<\/h2>/);
    assert.match(html, new RegExp(`<li><a href="#${field}">${message.replace(/[.]/g, '\\.')}</a></li>`), message);
    assert.match(html, new RegExp(`<input type="(text|email)" id="${field}" name="${field}"[^>]*aria-invalid="true"`));
    // A fresh token for the same visitor, so the corrected form can be sent.
    assert.match(html, /name="csrf" value="[\w-]{54}"/);
    if (fields.email) assert.match(html, new RegExp(`id="email" name="email" value="${fields.email}"`));
  }
  // Several problems at once, each listed.
  const { html } = await signUp({ email: 'nope', rto_code: '1x' });
  assert.equal(html.match(/<li><a href="#/g).length, 2);
  assert.deepEqual(
    [await count('SELECT count(*) AS n FROM waitlist'), await count('SELECT count(*) AS n FROM verification_tokens')],
    before);
  // The corrected form goes through.
  const ok = await signUp({ email: 'ok@example.org', rto_code: '45329' });
  assert.equal(ok.res.status, 200);
});

test('CSRF: a POST without a valid token for this visitor, or from another site, is refused with 403', async () => {
  at('2026-11-24T15:00:00Z');
  const me = await visitor();
  const them = await visitor();
  const email = 'csrf@example.org';
  const refusals = [
    ['no token', { email }, { cookie: me.cookie }, /missing its security check/],
    ['no cookie', { email, csrf: me.csrf }, {}, /missing its security check/],
    ['forged token', { email, csrf: 'A'.repeat(54) }, { cookie: me.cookie }, /could not be verified/],
    ["another visitor's token", { email, csrf: them.csrf }, { cookie: me.cookie }, /could not be verified/],
    ['cross-site fetch', { email, csrf: me.csrf }, { cookie: me.cookie, fetchSite: 'cross-site' }, /sent from another site/],
    ['foreign Origin', { email, csrf: me.csrf }, { cookie: me.cookie, origin: 'https://evil.example' }, /sent from another site/],
    ['null Origin', { email, csrf: me.csrf }, { cookie: me.cookie, origin: 'null', fetchSite: null }, /sent from another site/],
  ];
  for (const [why, fields, opts, message] of refusals) {
    const res = await post('/', fields, opts);
    assert.equal(res.status, 403, why);
    assertSecurityHeaders(res);
    const html = await res.text();
    assert.match(html, /<h1>This form was not accepted<\/h1>/, why);
    assert.match(html, message, why);
  }
  // A token for /verify is no good for / (bound to the action).
  const page = await visit(`/verify?t=${'A'.repeat(43)}`, { cookie: me.cookie });
  assert.equal(page.status, 404);
  // Expired form: two hours later.
  at('2026-11-24T17:00:01Z');
  const stale = await post('/', { email, csrf: me.csrf }, { cookie: me.cookie });
  assert.equal(stale.status, 403);
  assert.match(await stale.text(), /This form has expired/);
  assert.equal(await entry(email), null, 'nothing was written');

  // The Confirm POST is held to the same rule, and a refused one leaves the token unused.
  at('2026-11-24T17:10:00Z');
  await signUp({ email: 'confirm-csrf@example.org' });
  const [mail] = await mailFor('confirm-csrf@example.org');
  const token = linkIn(mail)[2];
  const link = await visit(`/verify?t=${token}`);
  const cookie = cookieOf(link);
  const csrf = csrfIn(await link.text());
  for (const opts of [
    { cookie, fetchSite: 'cross-site' },
    { cookie: me.cookie },
    { cookie, origin: 'https://evil.example' },
    { cookie, origin: 'null', fetchSite: null },
    { cookie, origin: 'null', fetchSite: 'cross-site' },
  ]) {
    assert.equal((await post('/verify', { csrf, t: token }, opts)).status, 403, JSON.stringify(opts));
  }
  assert.equal((await post('/verify', { t: token }, { cookie })).status, 403);
  assert.equal((await entry('confirm-csrf@example.org')).status, 'pending');
  // What a browser really sends from the no-referrer link page: Origin null, Sec-Fetch-Site
  // same-origin (tests/browser/prelaunch.test.mjs sees Chromium do it).
  assert.equal((await post('/verify', { csrf, t: token }, { cookie, origin: 'null' })).status, 200);
});

test('hostile input is stored verbatim and shown escaped', async () => {
  at('2026-11-24T18:00:00Z');
  const name = '<script>alert(1)</script>';
  const organisation = '"><img src=x onerror=alert(1)> & Co';
  const email = 'hostile@example.org';
  const { res, html } = await signUp({ email, name, organisation });
  assert.equal(res.status, 200);
  assert.ok(html.includes('Thanks, &lt;script&gt;alert(1)&lt;/script&gt;.'), 'the name is shown as text');
  assert.doesNotMatch(html, /<script|<img/i);
  const e = await entry(email);
  assert.deepEqual({ name: e.name, organisation: e.organisation }, { name, organisation });

  // Shown again in the form after an error: attribute values escaped too.
  const again = await signUp({ email: 'hostile2@example.org', name, organisation, rto_code: '<b>' });
  assert.equal(again.res.status, 400);
  assert.doesNotMatch(again.html, /<script|<img|<b>/i);
  assert.ok(again.html.includes('value="&lt;script&gt;alert(1)&lt;/script&gt;"'));
  assert.ok(again.html.includes('value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; Co"'));
  assert.equal(await entry('hostile2@example.org'), null);
});

test('the odd paths: 404, 405, robots.txt, assets, www. to the apex, oversized and unreadable forms', async () => {
  const missing = await visit('/waitlist/../nope?x=<b>');
  assert.equal(missing.status, 404);
  assertSecurityHeaders(missing);
  assert.match(await missing.text(), /<h1>Page not found<\/h1>/);

  for (const [path, method, allow] of [['/', 'PUT', 'GET, HEAD, POST'], ['/verify', 'DELETE', 'GET, HEAD, POST'], ['/robots.txt', 'POST', 'GET, HEAD']]) {
    const res = await visit(path, { method });
    assert.equal(res.status, 405, `${method} ${path}`);
    assert.equal(res.headers.get('allow'), allow);
    assertSecurityHeaders(res);
  }

  const robots = await visit('/robots.txt');
  assert.equal(robots.status, 200);
  assert.equal(robots.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(await robots.text(), 'User-agent: *\nAllow: /\nDisallow: /verify\n');

  const oldSheet = await visit('/assets/app.0000000000.css');
  assert.equal(oldSheet.status, 404);

  const www = await platform.fetch('https://www.rtopacks.com.au/verify?t=abc', { redirect: 'manual' });
  assert.equal(www.status, 301);
  assert.equal(www.headers.get('location'), 'https://rtopacks.com.au/verify?t=abc');
  const wwwPost = await platform.fetch('https://www.rtopacks.com.au/', { method: 'POST', redirect: 'manual' });
  assert.equal(wwwPost.status, 308);

  const v = await visitor();
  const big = await post('/', { email: 'big@example.org', csrf: v.csrf, name: 'x'.repeat(20 * 1024) }, { cookie: v.cookie });
  assert.equal(big.status, 413);
  assert.match(await big.text(), /This form is too large to accept/);
  assert.equal(await entry('big@example.org'), null);
  // A field given twice cannot be read as one form.
  const twice = await visit('/', {
    method: 'POST', cookie: v.cookie,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, 'Sec-Fetch-Site': 'same-origin' },
    body: `csrf=${v.csrf}&email=a%40example.org&email=b%40example.org`,
  });
  assert.equal(twice.status, 400);
  assert.match(await twice.text(), /This form could not be read\. Reload the page and try again\./);
  assert.equal(await entry('a@example.org'), null);
});

test('APEX=hold answers itself: nothing reaches the site', async () => {
  const res = await visit('/anything');
  assert.equal(res.status, 404);
  assert.equal(res.headers.get('x-served-by'), null);
  const home = await visit('/');
  assert.match(await home.text(), /RTOpacks for Australian RTOs/);
});

test('APEX=site hands every request to rtopacks-site unchanged and returns its answer unchanged', async () => {
  const switched = await start({ APEX: 'site' });
  try {
    const get = await switched.fetch(`${ORIGIN}/search?q=diploma&type=qualification`, { headers: { 'X-Test': 'kept', Cookie: '__Host-rtp_session=abc' } });
    assert.equal(get.status, 207);
    assert.equal(get.headers.get('x-served-by'), 'rtopacks-site');
    assert.equal(get.headers.get('set-cookie'), 'site=1; Path=/');
    assert.equal(get.headers.get('content-security-policy'), null, 'no prelaunch headers added');
    const seen = await get.json();
    assert.equal(seen.method, 'GET');
    assert.equal(seen.url, `${ORIGIN}/search?q=diploma&type=qualification`);
    assert.equal(seen.headers['x-test'], 'kept');
    assert.equal(seen.headers.cookie, '__Host-rtp_session=abc');

    const body = 'email=a%40b.org&csrf=xyz';
    const posted = await switched.fetch(`${ORIGIN}/waitlist`, {
      method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN },
    });
    assert.equal(posted.status, 207);
    const echoed = await posted.json();
    assert.deepEqual([echoed.method, echoed.body, echoed.headers['content-type'], echoed.headers.origin],
      ['POST', body, 'application/x-www-form-urlencoded', ORIGIN]);

    // Every path, the prelaunch's own included: /, /verify, assets, www.
    for (const url of [`${ORIGIN}/`, `${ORIGIN}/verify?t=x`, `${ORIGIN}/assets/app.0000000000.css`, 'https://www.rtopacks.com.au/robots.txt']) {
      const res = await switched.fetch(url, { redirect: 'manual' });
      assert.equal(res.status, 207, url);
      assert.equal((await res.json()).url, url);
    }
    assert.equal((await switched.d1('rto-intake-db').first('SELECT count(*) AS n FROM waitlist')).n, 0);
  } finally {
    await switched.dispose();
  }
});

test('an APEX value that is neither hold nor site holds the apex', async () => {
  const typo = await start({ APEX: 'launch' });
  try {
    const res = await typo.fetch(`${ORIGIN}/`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-served-by'), null);
    assert.match(await res.text(), /RTOpacks for Australian RTOs/);
  } finally {
    await typo.dispose();
  }
});

test('no CSRF secret: forms are refused rather than served unprotected', async () => {
  const bare = await startPlatform({ workers: ['prelaunch'], now: T0, bindings: { prelaunch: { CSRF_SECRET: 'short' } }, extraWorkers: [site] });
  try {
    const res = await bare.fetch(`${ORIGIN}/`);
    assert.equal(res.status, 500);
    assert.match(await res.text(), /Something went wrong on our side/);
    // Pages without forms still work.
    assert.equal((await bare.fetch(`${ORIGIN}/robots.txt`)).status, 200);
  } finally {
    await bare.dispose();
  }
});
