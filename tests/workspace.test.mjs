// rtopacks-workspace under Miniflare, beside internal-api over a corpus the syncs wrote
// themselves (tga-sync, then enrich-sync, against the upstream fakes). Visitors are cookie
// jars driving the real pages: magic-link sign-in (allowlist, limits, single use, expiry,
// the landing page that never uses a link), sessions (idle and absolute timeouts on the
// test clock, sign-out, SEC-02 revocation read as an ordinary expiry), CSRF on every POST,
// tiers, scope and supersession impact through internal-api, people, documents in R2, and
// hostile names rendered as text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { startPlatform } from './harness/platform.mjs';
import { createFakes, DEFAULT_CREDENTIALS } from './fakes/index.mjs';
import { settled } from './harness/expect.mjs';
import { Visitor as BaseVisitor, mails as mailsIn, mailsTo as mailsToIn } from './harness/visitor.mjs';

const ORIGIN = 'https://my.rtopacks.com.au';
const TOKEN = 'test-trigger-token';
const START = '2026-11-23T00:00:00Z';
const HOSTILE = '<script>alert(1)</script>';
const CSRF_SECRET = 'workspace-test-csrf-secret-0123456789abcdef';

let platform, fakes, corpus, ops, engine, worker;
const codes = {};

const iso = (d = platform.now()) => new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');
const later = (ms) => platform.setClock(new Date(platform.now().getTime() + ms));
const MINUTE = 60_000;

/** A visitor of the workspace (tests/harness/visitor.mjs), straight to the worker. */
class Visitor extends BaseVisitor {
  /** Each visitor has its own address unless told (the per-address limit is tested apart). */
  constructor(ip) {
    super((url, init) => worker.fetch(url, init), ORIGIN, { ...(ip ? { ip } : {}), userAgent: 'workspace-test' });
  }
}

const mailsTo = (email) => mailsToIn(ops, email);
const mails = (email, count) => mailsIn(ops, email, count);

/** The path and query of the sign-in link in a mail. */
function linkIn(mail) {
  const m = mail.text.match(/https:\/\/my\.rtopacks\.com\.au(\/auth\/verify\?[^\s]+)/);
  assert.ok(m, mail.text);
  return m[1];
}

async function allow(kind, value) {
  await ops.run(
    "INSERT INTO access_allowlist (kind, value, label, active, created_at, created_by) VALUES (?1, ?2, 'test', 1, ?3, 'test') ON CONFLICT (kind, value) DO UPDATE SET active = 1",
    kind, value, iso());
}

/** Asks for a link as `v`; answers the "check your email" page. */
async function askLink(v, email, fields = {}) {
  await v.get('/auth');
  return v.post('/auth', { email, ...fields });
}

/** The whole sign-in: form, mail, landing page, Sign in. Returns the visitor, signed in. */
async function signIn(email, { v = new Visitor(), next } = {}) {
  const before = (await mailsTo(email)).length;
  const sent = await askLink(v, email, next ? { next } : {});
  assert.equal(sent.status, 200);
  const [mail] = (await mails(email, before + 1)).slice(-1);
  const landing = await v.get(linkIn(mail));
  assert.equal(landing.status, 200, landing.text);
  const done = await v.post('/auth/verify', { t: new URL(linkIn(mail), ORIGIN).searchParams.get('t'), ...(next ? { next } : {}) });
  assert.equal(done.status, 303, done.text);
  assert.ok(v.session(), 'a session cookie');
  return v;
}

/** An org in engine-db-oc (optionally an active client), with `emails` linked to it as members. */
async function org(id, { name = `${id} org`, rtoCode = null, client = false, emails = [] } = {}) {
  await engine.run('INSERT INTO orgs (id, name, rto_code, created_at) VALUES (?1, ?2, ?3, ?4)', id, name, rtoCode, iso());
  if (client) {
    await ops.run("INSERT INTO rto_clients (rto_code, is_client, client_since, client_status, plan, created_at, updated_at) VALUES (?1, 1, ?2, 'active', 'essential', ?2, ?2)", rtoCode, iso());
  }
  for (const [i, email] of emails.entries()) {
    await engine.run(
      "INSERT INTO users (id, email, org_id, status, created_at) VALUES (?1, ?2, ?3, 'active', ?4) ON CONFLICT (email) DO UPDATE SET org_id = excluded.org_id",
      `usr_${id}_${i}`, email, id, iso());
    const user = await engine.first('SELECT id FROM users WHERE email = ?1', email);
    await engine.run("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?1, ?2, ?3, ?4)", id, user.id, i === 0 ? 'owner' : 'member', iso());
  }
}

before(async () => {
  fakes = createFakes({ size: 'small', baseDate: '2026-11-21T16:00:00Z', now: () => platform?.now() ?? new Date('2026-11-21T16:00:00Z') });
  platform = await startPlatform({
    workers: ['tga-sync', 'enrich-sync', 'internal-api', 'workspace'],
    now: '2026-11-21T16:00:00Z',
    outbound: (request) => fakes.fetch(request),
    bindings: {
      'tga-sync': { TRIGGER_TOKEN: TOKEN, TGA_USERNAME: DEFAULT_CREDENTIALS.username, TGA_PASSWORD: DEFAULT_CREDENTIALS.password },
      'enrich-sync': { TRIGGER_TOKEN: TOKEN, ENRICH_CODES_PER_INVOCATION: '40' },
      'internal-api': {
        ANON_SALT: 'test-salt',
        // Page views here come faster than any person's; only velocity stays low enough
        // to be reached on purpose (the SEC-02 test), with no injected delay.
        SEC02_VELOCITY_AMBER_PER_MINUTE: '60', SEC02_VELOCITY_RED_PER_MINUTE: '80',
        SEC02_SEQUENTIAL_AMBER_RUN: '100000', SEC02_SEQUENTIAL_RED_RUN: '100000',
        SEC02_TIMING_AMBER_STREAK: '100000', SEC02_TIMING_RED_STREAK: '100000',
        SEC02_BREADTH_AMBER_GROUPS: '50', SEC02_BREADTH_RED_GROUPS: '50',
        SEC02_AMBER_DELAY_MS: '0', SEC02_AMBER_MAX_DELAY_MS: '0',
      },
      workspace: { CSRF_SECRET, ANON_SALT: 'test-salt' },
    },
  });
  corpus = platform.d1('rtopacks-db');
  ops = platform.d1('ops-db');
  engine = platform.d1('engine-db-oc');
  worker = await platform.mf.getWorker('rtopacks-workspace');

  await platform.scheduled('tga-sync', { cron: '0 16 * * SAT' });
  assert.equal((await settled(ops, 'tga_sync')).status, 'complete');
  platform.setClock('2026-11-22T12:00:00Z');
  await platform.scheduled('enrich-sync', { cron: '0 12 * * SAT' });
  assert.equal((await settled(ops, 'enrich_sync')).status, 'complete');
  platform.setClock(START);

  const one = async (sql, ...p) => Object.values((await corpus.first(sql, ...p)) ?? {})[0];
  // An RTO with a named contact and an organisation contact (L4 sees both).
  codes.rto = await one(`SELECT rto_code FROM rto_contacts GROUP BY rto_code
    HAVING sum(first_name IS NOT NULL OR last_name IS NOT NULL) > 0
       AND sum(first_name IS NULL AND last_name IS NULL) > 0 ORDER BY rto_code LIMIT 1`);
  // Three more RTOs with a scope (an org holds one RTO code): scope pages, the signed-in
  // tier, and the SEC-02 test.
  const scoped = await corpus.all('SELECT rto_code FROM rto_scope WHERE rto_code <> ?1 GROUP BY rto_code ORDER BY count(*) DESC, rto_code LIMIT 3', codes.rto);
  [codes.other, codes.plain, codes.sec02] = scoped.map((r) => r.rto_code);
  // Two superseded qualifications whose replacements are current.
  const pairs = await corpus.all(`SELECT m.code, m.mapped_code, m.is_equivalent FROM tga_component_mappings m
    JOIN tga_training_components a ON a.code = m.code AND a.usage_recommendation = 'Superseded' AND a.component_type = 'Qualification'
    JOIN tga_training_components b ON b.code = m.mapped_code AND b.is_current = 1
    WHERE m.is_equivalent IS NOT NULL AND NOT EXISTS (SELECT 1 FROM tga_component_mappings x WHERE x.code = m.mapped_code)
    ORDER BY m.code LIMIT 2`);
  assert.equal(pairs.length, 2, 'two superseded qualifications with current replacements');
  codes.pairs = pairs;
  for (const [k, v] of Object.entries(codes)) assert.ok(v, `no ${k} in the corpus`);
});
after(() => platform?.dispose());

test('the sign-in form, the stylesheet, /healthz, 404 and 405', async () => {
  const v = new Visitor();
  const form = await v.get('/auth');
  assert.equal(form.status, 200);
  assert.match(form.text, /<label for="email">Email address<\/label>/);
  assert.match(form.text, /<form method="post" action="\/auth" novalidate><input type="hidden" name="csrf" value="[\w-]{54}">/);
  assert.match(form.cookies.join('\n'), /^__Host-rtp_csrf=[\w-]{43}; Path=\/; Secure; HttpOnly; SameSite=Lax; Max-Age=86400$/m);
  for (const [h, value] of [
    ['content-security-policy', "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"],
    ['x-content-type-options', 'nosniff'],
    ['referrer-policy', 'strict-origin-when-cross-origin'],
    ['cache-control', 'no-store'],
  ]) assert.equal(form.headers.get(h), value, h);
  assert.ok(!form.text.includes('<script'), 'no script on any page');

  const css = form.text.match(/href="(\/assets\/app\.[0-9a-f]{10}\.css)"/)[1];
  const sheet = await v.get(css);
  assert.equal(sheet.status, 200);
  assert.match(sheet.headers.get('content-type'), /text\/css/);
  assert.equal((await v.get('/assets/app.0000000000.css')).status, 404);
  const health = await v.get('/healthz');
  assert.deepEqual([health.status, health.text], [200, 'ok']);

  const missing = await v.get('/nowhere');
  assert.equal(missing.status, 404);
  assert.match(missing.text, /Page not found/);
  const wrong = await v.request('DELETE', '/auth');
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.get('allow'), 'GET, HEAD, POST');
  assert.match(wrong.text, /does not accept that kind of request/);
  const getSignout = await v.get('/signout');
  assert.deepEqual([getSignout.status, getSignout.headers.get('allow')], [405, 'POST']);
  const head = await v.request('HEAD', '/auth');
  assert.equal(head.status, 200);

  // Every signed-in page sends a visitor without a session to sign in, and back.
  for (const path of ['/', '/scope', '/impact', '/people', '/documents', '/documents/doc_00000000000000000000000000000000']) {
    const res = await new Visitor().get(path);
    assert.equal(res.status, 303, path);
    assert.equal(res.location, path === '/' ? '/auth' : `/auth?next=${encodeURIComponent(path)}`, path);
  }
});

test('allowed and not allowed addresses get the same answer; only the allowed one gets a link', async () => {
  await allow('email', 'kim@allowed.example.edu.au');
  const blocked = await askLink(new Visitor('203.0.113.21'), 'lee@blocked.example.edu.au');
  const allowed = await askLink(new Visitor('203.0.113.22'), 'kim@allowed.example.edu.au');
  assert.equal(blocked.status, 200);
  assert.equal(allowed.status, 200);
  assert.equal(
    blocked.text.replaceAll('lee@blocked.example.edu.au', 'X'),
    allowed.text.replaceAll('kim@allowed.example.edu.au', 'X'),
    'the same page, word for word',
  );
  assert.match(allowed.text, /<h1>Check your email<\/h1>/);
  assert.deepEqual([...blocked.headers].filter(([k]) => k !== 'date'), [...allowed.headers].filter(([k]) => k !== 'date'));

  const [mail] = await mails('kim@allowed.example.edu.au', 1);
  assert.equal(mail.subject, 'Your RTOpacks Workspace sign-in link');
  assert.equal(mail.status, 'recorded');
  assert.match(linkIn(mail), /^\/auth\/verify\?t=[\w-]{43}$/);
  assert.match(mail.text, /expires in 15 minutes/);
  assert.deepEqual(await mailsTo('lee@blocked.example.edu.au'), []);
  // Only the hash is stored, with a salted hash of the address it came from.
  const t = new URL(linkIn(mail), ORIGIN).searchParams.get('t');
  const row = await engine.first('SELECT * FROM magic_link_tokens WHERE email = ?1', 'kim@allowed.example.edu.au');
  assert.match(row.token_hash, /^[0-9a-f]{64}$/);
  assert.notEqual(row.token_hash, t);
  assert.equal(row.purpose, 'sign_in');
  assert.match(row.requested_ip_hash, /^[0-9a-f]{32}$/);
  assert.ok(!JSON.stringify(row).includes('203.0.113.22'));
  assert.equal(await engine.first('SELECT count(*) AS n FROM magic_link_tokens WHERE email = ?1', 'lee@blocked.example.edu.au').then((r) => r.n), 0);

  // A malformed address is a form error in plain words, for allowed and not alike.
  const v = new Visitor('203.0.113.23');
  const bad = await askLink(v, 'not-an-address');
  assert.equal(bad.status, 400);
  assert.match(bad.text, /There is a problem/);
  assert.match(bad.text, /Enter an email address with an @/);
  assert.match(bad.text, /aria-invalid="true"/);
  assert.match(bad.text, /value="not-an-address"/);
});

test('a domain entry allows any address at that domain', async () => {
  await allow('domain', 'wholedomain.example.edu.au');
  await askLink(new Visitor('203.0.113.31'), 'anyone@wholedomain.example.edu.au');
  await askLink(new Visitor('203.0.113.31'), 'Someone.Else@WholeDomain.example.edu.au');
  await askLink(new Visitor('203.0.113.31'), 'sub@other.wholedomain.example.edu.au');
  assert.equal((await mails('anyone@wholedomain.example.edu.au', 1)).length, 1);
  assert.equal((await mails('someone.else@wholedomain.example.edu.au', 1)).length, 1);
  assert.deepEqual(await mailsTo('sub@other.wholedomain.example.edu.au'), [], 'a subdomain is another domain');
});

test('a deactivated entry blocks new links; a session already open keeps working', async () => {
  await allow('email', 'pat@deactivated.example.edu.au');
  const v = await signIn('pat@deactivated.example.edu.au');
  await ops.run("UPDATE access_allowlist SET active = 0, deactivated_at = ?1 WHERE value = 'pat@deactivated.example.edu.au'", iso());
  const again = await askLink(new Visitor('203.0.113.41'), 'pat@deactivated.example.edu.au');
  assert.equal(again.status, 200);
  assert.match(again.text, /Check your email/);
  later(1000);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal((await mailsTo('pat@deactivated.example.edu.au')).length, 1, 'no second link');
  const home = await v.get('/');
  assert.equal(home.status, 200);
  assert.match(home.text, /pat@deactivated\.example\.edu\.au/);
});

test('rate limits: 3 links per address and 10 per address of origin in 15 minutes', async () => {
  await allow('domain', 'limits.example.edu.au');
  for (let i = 0; i < 4; i++) {
    const res = await askLink(new Visitor(`198.51.100.${i + 1}`), 'busy@limits.example.edu.au');
    assert.equal(res.status, 200);
    assert.match(res.text, /Check your email/);
  }
  await mails('busy@limits.example.edu.au', 3);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal((await mailsTo('busy@limits.example.edu.au')).length, 3, 'the fourth is refused, silently');
  later(16 * MINUTE);
  await askLink(new Visitor('198.51.100.9'), 'busy@limits.example.edu.au');
  await mails('busy@limits.example.edu.au', 4);

  const ip = '198.51.100.200';
  for (let i = 0; i < 11; i++) await askLink(new Visitor(ip), `person${i}@limits.example.edu.au`);
  await mails('person9@limits.example.edu.au', 1);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(await mailsTo('person10@limits.example.edu.au'), [], 'the eleventh from one address is refused');
  const issued = await engine.first('SELECT count(*) AS n FROM magic_link_tokens WHERE email LIKE ?1', 'person%@limits.example.edu.au');
  assert.equal(issued.n, 10);
});

test('the landing page never uses the link; Sign in uses it once, with a new session cookie', async () => {
  await allow('email', 'once@links.example.edu.au');
  const v = new Visitor();
  await askLink(v, 'once@links.example.edu.au');
  const [mail] = await mails('once@links.example.edu.au', 1);
  const link = linkIn(mail);
  // A mail scanner opens it first (no cookies), then the person, twice.
  for (const who of [new Visitor('192.0.2.99'), v, v]) {
    const landing = await who.get(link);
    assert.equal(landing.status, 200);
    assert.equal(landing.headers.get('referrer-policy'), 'no-referrer');
    assert.match(landing.text, /<button type="submit" class="button">Sign in<\/button>/);
  }
  const t = new URL(link, ORIGIN).searchParams.get('t');
  assert.equal((await engine.first('SELECT used_at FROM magic_link_tokens WHERE email = ?1', 'once@links.example.edu.au')).used_at, null);

  const done = await v.post('/auth/verify', { t });
  assert.equal(done.status, 303);
  assert.equal(done.location, '/');
  const cookie = done.cookies.find((c) => c.startsWith('__Host-rtp_session='));
  assert.match(cookie, /^__Host-rtp_session=[\w-]{43}; Path=\/; Secure; HttpOnly; SameSite=Lax; Max-Age=43200$/);
  const home = await v.follow(done);
  assert.equal(home.status, 200);
  assert.match(home.text, /Signed in as <strong>once@links\.example\.edu\.au<\/strong>/);
  const user = await engine.first('SELECT id, last_login_at FROM users WHERE email = ?1', 'once@links.example.edu.au');
  assert.equal(user.last_login_at, iso());
  const sessions = await engine.all('SELECT token_hash FROM sessions WHERE user_id = ?1', user.id);
  assert.equal(sessions.length, 1);
  assert.ok(!sessions[0].token_hash.includes(v.session()));

  // Used: the landing page and a second press both say so, in plain words.
  const again = await v.get(link);
  assert.equal(again.status, 400);
  assert.match(again.text, /That sign-in link has expired/);
  assert.match(again.text, /<a href="\/auth">Request a new sign-in link<\/a>/);
  const other = new Visitor();
  await other.get('/auth');
  const replay = await other.post('/auth/verify', { t }, { csrf: other.token('/auth') });
  assert.equal(replay.status, 403, 'a token for another form: refused before anything else');
  assert.equal((await other.get(link)).status, 400);
  assert.equal((await other.get(`/auth/verify?t=${'A'.repeat(43)}`)).status, 400, 'an unknown token');
  assert.equal((await other.get('/auth/verify')).status, 400, 'no token');
  // A visitor holding a valid landing page of their own cannot use the spent token either.
  await allow('email', 'twice@links.example.edu.au');
  await askLink(other, 'twice@links.example.edu.au');
  const [m] = await mails('twice@links.example.edu.au', 1);
  const own = await other.get(linkIn(m));
  const second = await other.post('/auth/verify', { t }, { csrf: other.token('/auth/verify', own) });
  assert.equal(second.status, 400, 'a used link signs nobody in');
  assert.match(second.text, /already been used/);
  assert.equal(other.session(), undefined);
});

test('signing in replaces the session the browser had (rotation)', async () => {
  await allow('email', 'rotate@links.example.edu.au');
  const v = await signIn('rotate@links.example.edu.au');
  const first = v.session();
  later(1000);
  // A link asked for elsewhere, opened in the browser that is signed in.
  await askLink(new Visitor(), 'rotate@links.example.edu.au');
  const [mail] = (await mails('rotate@links.example.edu.au', 2)).slice(-1);
  const landing = await v.get(linkIn(mail));
  assert.equal(landing.status, 200);
  const done = await v.post('/auth/verify', { t: new URL(linkIn(mail), ORIGIN).searchParams.get('t') });
  assert.equal(done.status, 303);
  assert.notEqual(v.session(), first);
  const rows = await engine.all(`SELECT s.revoke_reason FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE u.email = 'rotate@links.example.edu.au' ORDER BY s.created_at`);
  assert.deepEqual(rows.map((r) => r.revoke_reason), ['rotated', null]);
  const stale = new Visitor();
  stale.jar.set('__Host-rtp_session', first);
  const res = await stale.get('/');
  assert.equal(res.location, '/auth?expired=1');
});

test('an expired link is refused in plain words, with a way to get a new one', async () => {
  await allow('email', 'slow@links.example.edu.au');
  const v = new Visitor();
  await askLink(v, 'slow@links.example.edu.au', { next: '/people' });
  const [mail] = await mails('slow@links.example.edu.au', 1);
  const landing = await v.get(linkIn(mail));
  assert.equal(landing.status, 200);
  later(15 * MINUTE);
  const done = await v.post('/auth/verify', { t: new URL(linkIn(mail), ORIGIN).searchParams.get('t'), next: '/people' });
  assert.equal(done.status, 400);
  assert.match(done.text, /That sign-in link has expired/);
  assert.match(done.text, /href="\/auth\?next=%2Fpeople"/);
  assert.equal(v.session(), undefined);
  assert.equal((await v.get(linkIn(mail))).status, 400);
});

test('next: back where the visitor was going, local paths only', async () => {
  await allow('domain', 'next.example.edu.au');
  const v = new Visitor();
  const bounce = await v.get('/people?x=1');
  assert.equal(bounce.location, '/auth?next=%2Fpeople%3Fx%3D1');
  const form = await v.get(bounce.location);
  assert.match(form.text, /<input type="hidden" name="next" value="\/people\?x=1">/);
  await signIn('going@next.example.edu.au', { v, next: '/people?x=1' });
  const [mail] = await mails('going@next.example.edu.au', 1);
  assert.match(linkIn(mail), /&next=%2Fpeople%3Fx%3D1$/);
  assert.equal(v.last.text.includes('<h1>People</h1>'), false, 'not followed yet');

  for (const [i, hostile] of ['//evil.example', 'https://evil.example/', '/%2f%2fevil.example', '/\\evil.example'].entries()) {
    const w = new Visitor();
    await askLink(w, `h${i}@next.example.edu.au`, { next: hostile });
    const [m] = await mails(`h${i}@next.example.edu.au`, 1);
    assert.doesNotMatch(linkIn(m), /next=/, hostile);
  }
  // The POST itself never redirects off-site either.
  const w = new Visitor();
  await askLink(w, 'post@next.example.edu.au');
  const [m] = await mails('post@next.example.edu.au', 1);
  await w.get(linkIn(m));
  const done = await w.post('/auth/verify', { t: new URL(linkIn(m), ORIGIN).searchParams.get('t'), next: '//evil.example/x' });
  assert.equal(done.location, '/');
  // A signed-in visitor asking for /auth goes straight on.
  assert.equal((await w.get('/auth?next=%2Fdocuments')).location, '/documents');
});

test('CSRF: a missing, wrong, expired or cross-site token is refused with a 403 page', async () => {
  await allow('email', 'csrf@links.example.edu.au');
  const v = new Visitor();
  await v.get('/auth');
  const good = v.token('/auth');
  const refused = async (res, why) => {
    assert.equal(res.status, 403, why);
    assert.match(res.text, /This form could not be accepted/, why);
    assert.match(res.text, /Nothing was changed/, why);
  };
  await refused(await v.post('/auth', { email: 'csrf@links.example.edu.au' }, { csrf: null }), 'missing');
  await refused(await v.post('/auth', { email: 'csrf@links.example.edu.au' }, { csrf: good.slice(0, -2) + 'AA' }), 'wrong');
  const stranger = new Visitor();
  await stranger.get('/auth');
  await refused(await stranger.post('/auth', { email: 'csrf@links.example.edu.au' }, { csrf: good }), 'another visitor\'s token');
  await refused(await v.post('/auth', { email: 'csrf@links.example.edu.au' }, { site: 'cross-site', origin: null }), 'cross-site');
  // (A sibling host: the harness itself refuses origins that are no route of the stack.)
  await refused(await v.post('/auth', { email: 'csrf@links.example.edu.au' }, { site: null, origin: 'https://internal-api.rtopacks.com.au' }), 'foreign origin');
  const noCookie = new Visitor();
  await refused(await noCookie.post('/auth', { email: 'csrf@links.example.edu.au' }, { csrf: good }), 'no CSRF cookie');
  // A token for one form does not work for another.
  await refused(await v.post('/auth/verify', { t: 'A'.repeat(43) }, { csrf: good }), 'another action');
  later(2 * 60 * MINUTE + 1000);
  const expired = await v.post('/auth', { email: 'csrf@links.example.edu.au' }, { csrf: good });
  await refused(expired, 'expired');
  assert.match(expired.text, /This form has expired/);
  assert.deepEqual(await mailsTo('csrf@links.example.edu.au'), []);

  // Signed in: tokens are bound to the session.
  const s = await signIn('csrf@links.example.edu.au');
  await s.get('/');
  const signout = s.token('/signout');
  assert.ok(signout);
  await refused(await s.post('/signout', {}, { csrf: null }), 'sign-out without a token');
  await refused(await s.post('/signout', {}, { csrf: signout, site: 'cross-site' }), 'cross-site sign-out');
  const otherSession = await signIn('csrf@links.example.edu.au');
  await otherSession.get('/');
  await refused(await s.post('/signout', {}, { csrf: otherSession.token('/signout') }), 'another session\'s token');
  assert.equal((await s.get('/')).status, 200, 'still signed in');
});

test('sessions end after 30 idle minutes, and after 12 hours however busy', async () => {
  await allow('email', 'clock@sessions.example.edu.au');
  const idle = await signIn('clock@sessions.example.edu.au');
  later(29 * MINUTE);
  assert.equal((await idle.get('/')).status, 200, 'used within 30 minutes: still live, and extended');
  later(29 * MINUTE);
  assert.equal((await idle.get('/')).status, 200);
  later(30 * MINUTE + 1000);
  const gone = await idle.get('/people');
  assert.equal(gone.status, 303);
  assert.equal(gone.location, '/auth?next=%2Fpeople&expired=1');
  assert.ok(gone.cookies.some((c) => /^__Host-rtp_session=; .*Max-Age=0$/.test(c)), 'the cookie is cleared');
  const told = await idle.get(gone.location);
  assert.match(told.text, /Your session has expired\. Sign in again\./);

  const busy = await signIn('clock@sessions.example.edu.au');
  for (let t = 0; t < 12 * 60; t += 25) {
    assert.equal((await busy.get('/')).status, 200, `${t} minutes in`);
    later(25 * MINUTE);
  }
  const over = await busy.get('/');
  assert.equal(over.location, '/auth?expired=1', 'the absolute timeout');
  // Touched at most once a minute: a page 30 s after the last write writes nothing.
  const s = await signIn('clock@sessions.example.edu.au');
  const id = await sessionIdOf(s);
  const seen = () => engine.first('SELECT last_seen_at, idle_expires_at FROM sessions WHERE id = ?1', id);
  later(2 * MINUTE);
  await s.get('/');
  const touched = iso();
  assert.deepEqual(await seen(), { last_seen_at: touched, idle_expires_at: iso(platform.now().getTime() + 30 * MINUTE) });
  later(30_000);
  for (let i = 0; i < 3; i++) await s.get('/');
  assert.equal((await seen()).last_seen_at, touched, 'not written again within the minute');
  later(31_000);
  await s.get('/');
  assert.deepEqual(await seen(), { last_seen_at: iso(), idle_expires_at: iso(platform.now().getTime() + 30 * MINUTE) });
});

test('sign-out revokes the session and clears the cookie', async () => {
  await allow('email', 'bye@sessions.example.edu.au');
  const v = await signIn('bye@sessions.example.edu.au');
  const token = v.session();
  await v.get('/');
  const out = await v.post('/signout');
  assert.equal(out.status, 303);
  assert.equal(out.location, '/auth?signed_out=1');
  assert.ok(out.cookies.some((c) => c.startsWith('__Host-rtp_session=;')));
  assert.equal(v.session(), undefined);
  const page = await v.get(out.location);
  assert.match(page.text, /You have signed out\./);
  const row = await engine.first(`SELECT s.revoke_reason, s.revoked_at FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE u.email = 'bye@sessions.example.edu.au'`);
  assert.deepEqual(row, { revoke_reason: 'sign_out', revoked_at: iso() });
  const replay = new Visitor();
  replay.jar.set('__Host-rtp_session', token);
  assert.equal((await replay.get('/')).location, '/auth?expired=1');
});

test('SEC-02: a revoked session reads as an ordinary expiry, whichever way it was revoked', async () => {
  await org('org_sec02', { rtoCode: codes.sec02, emails: ['hammer@sec02.example.edu.au', 'revoked@sec02.example.edu.au'] });
  await allow('domain', 'sec02.example.edu.au');
  const expiredMessage = async (v, res) => {
    assert.equal(res.status, 303);
    assert.match(res.location, /^\/auth\?(next=[^&]+&)?expired=1$/);
    const page = await v.get(res.location);
    assert.match(page.text, /Your session has expired\. Sign in again\./);
    assert.doesNotMatch(page.text, /SEC-02|revoked|suspicious|\bred\b|anomal/i);
  };
  // Revoked by the gate between two pages.
  const v = await signIn('revoked@sec02.example.edu.au');
  assert.equal((await v.get('/')).status, 200);
  await engine.run("UPDATE sessions SET revoked_at = ?1, revoke_reason = 'sec02_red' WHERE user_id = 'usr_org_sec02_1' AND revoked_at IS NULL", iso());
  await expiredMessage(v, await v.get('/scope'));

  // Revoked by internal-api during a page: too many pages a minute turns the session red
  // on internal-api's side, and that page is already the expired one.
  const h = await signIn('hammer@sec02.example.edu.au');
  let last;
  for (let i = 0; i < 100; i++) {
    last = await h.get('/');
    if (last.status !== 200) break;
  }
  await expiredMessage(h, last);
  const row = await engine.first("SELECT revoke_reason FROM sessions WHERE user_id = 'usr_org_sec02_0' ORDER BY created_at DESC LIMIT 1");
  assert.equal(row.revoke_reason, 'sec02_red');
  const red = await ops.first("SELECT zone, action FROM anomaly_log WHERE user_id = 'usr_org_sec02_0' AND zone = 'red'");
  assert.deepEqual(red, { zone: 'red', action: 'session_revoked' });
});

test('tiers: L4 for an active client org (named contacts), signed-in otherwise, and how to get an org', async () => {
  await org('org_l4', { name: 'Client College', rtoCode: codes.rto, client: true, emails: ['boss@l4.example.edu.au'] });
  await org('org_plain', { name: 'Plain College', rtoCode: codes.plain, emails: ['staff@plain.example.edu.au'] });
  await allow('domain', 'l4.example.edu.au');
  await allow('domain', 'plain.example.edu.au');
  await allow('domain', 'noorg.example.edu.au');

  const l4 = await signIn('boss@l4.example.edu.au');
  later(2 * MINUTE);
  const home = await l4.get('/');
  assert.equal(home.status, 200);
  assert.match(home.text, /<span class="badge badge-other" id="tier">L4<\/span>/);
  assert.match(home.text, /Client College \(RTO \d+\)/);
  assert.match(home.text, new RegExp(`<dt>RTO code</dt><dd>${codes.rto}</dd>`));
  const direct = await (await platform.mf.getWorker('rtopacks-internal-api')).fetch(`https://internal-api.internal/catalogue/rtos/${codes.rto}`, { headers: { 'X-RTOpacks-Client': 'tier-check', 'X-RTOpacks-Session': l4.session() } }).then((r) => r.json());
  assert.equal(direct.tier, 'l4');
  const person = direct.contacts.find((c) => c.last_name);
  assert.ok(person, 'L4 sees a named contact');
  assert.ok(home.text.includes(person.last_name), 'the named contact is on the page');
  assert.doesNotMatch(home.text, /withheld/i);

  const plain = await signIn('staff@plain.example.edu.au');
  const p = await plain.get('/');
  assert.match(p.text, /id="tier">Signed in</);
  assert.match(p.text, /Named contacts are shown to RTOpacks clients/);
  const plainDetail = await (await platform.mf.getWorker('rtopacks-internal-api')).fetch(`https://internal-api.internal/catalogue/rtos/${codes.plain}`, { headers: { 'X-RTOpacks-Client': 'tier-check', 'X-RTOpacks-Session': plain.session() } }).then((r) => r.json());
  assert.equal(plainDetail.tier, 'signed_in');
  assert.ok(plainDetail.contacts_withheld > 0 && plainDetail.contacts_note, 'this RTO has a named contact to withhold');
  assert.ok(p.text.includes(plainDetail.contacts_note.replaceAll('(', '(')), plainDetail.contacts_note);
  assert.ok(plainDetail.contacts.every((c) => p.text.includes(c.email ?? '')));

  const none = await signIn('nobody@noorg.example.edu.au');
  const n = await none.get('/');
  assert.match(n.text, /id="tier">Signed in</);
  assert.match(n.text, /<dt>Organisation<\/dt><dd>None yet<\/dd>/);
  assert.match(n.text, /Link your account to your RTO/);
  assert.match(n.text, /Claim this RTO/);
  assert.match(n.text, /href="https:\/\/rtopacks\.com\.au\/search"/);
  for (const path of ['/scope', '/impact', '/people', '/documents']) {
    const res = await none.get(path);
    assert.equal(res.status, 200, path);
    assert.match(res.text, /Link your account to your RTO/, path);
  }
});

test('scope: paged, filtered by type, with implied units and ended scope on request', async () => {
  await org('org_scope', { rtoCode: codes.other, emails: ['scope@scope.example.edu.au'] });
  await allow('domain', 'scope.example.edu.au');
  const v = await signIn('scope@scope.example.edu.au');
  const count = async (where) => (await corpus.first(`SELECT count(*) AS n FROM rto_scope WHERE rto_code = ?1 AND ${where}`, codes.other)).n;
  const explicit = await count('is_current = 1 AND is_refused = 0 AND is_implicit = 0');
  assert.ok(explicit > 0);
  later(2 * MINUTE);
  const first = await v.get('/scope');
  assert.equal(first.status, 200);
  const total = Number(first.text.match(/<p>([\d,]+) items? on the scope of/)[1].replace(/,/g, ''));
  assert.equal(total, explicit);
  const rows = (first.text.match(/<tr>|<tr class="dim">/g) ?? []).length - 1;
  assert.equal(rows, Math.min(50, explicit));
  if (explicit > 50) {
    const next = first.text.match(/<a href="(\/scope\?cursor=[^"]+)" rel="next">Next page<\/a>/)[1];
    const second = await v.get(next.replace(/&amp;/g, '&'));
    assert.equal(second.status, 200);
    assert.match(second.text, /First page/);
  }
  const units = await v.get('/scope?type=unit');
  const unitTotal = Number(units.text.match(/<p>([\d,]+) items? on the scope/)[1].replace(/,/g, ''));
  assert.equal(unitTotal, await count("is_current = 1 AND is_refused = 0 AND is_implicit = 0 AND component_type = 'Unit'"));
  assert.match(units.text, /<option value="unit" selected>Units<\/option>/);
  const all = await v.get('/scope?implicit=1&lapsed=1');
  const allTotal = Number(all.text.match(/<p>([\d,]+) items? on the scope/)[1].replace(/,/g, ''));
  assert.ok(allTotal >= total);
  assert.match(all.text, /name="implicit" value="1" checked/);
  // Bad input: an unknown type is ignored and said so; a forged cursor is a plain-words 400.
  const odd = await v.get('/scope?type=rocket');
  assert.equal(odd.status, 200);
  assert.match(odd.text, /every type is shown/);
  const forged = await v.get('/scope?cursor=garbage');
  assert.equal(forged.status, 400);
  assert.match(forged.text, /notice-error/);
  assert.match(forged.text, /Start again from the first page/);
});

test('impact: superseded components on scope, their current replacements, E or N, and whether the replacement is held', async () => {
  const [a, b] = codes.pairs;
  // A small RTO made for this test: A and its replacement on scope; B without its replacement.
  const rto = '99990001';
  await corpus.run(`INSERT INTO rtos (rto_code, legal_name, status, enriched, enriched_at, enriched_by, synced_at)
    VALUES (?1, 'Impact Test College', 'Current', 1, ?2, 'enrich_sync', ?2)`, rto, iso());
  for (const code of [a.code, a.mapped_code, b.code]) {
    const { component_type } = await corpus.first('SELECT component_type FROM tga_training_components WHERE code = ?1', code);
    await corpus.run(`INSERT INTO rto_scope (rto_code, component_code, component_type, is_implicit, is_refused, extent_code, start_date, is_current, synced_at)
      VALUES (?1, ?2, ?3, 0, 0, '01', '2020-01-01', 1, ?4)`, rto, code, component_type, iso());
  }
  await org('org_impact', { rtoCode: rto, emails: ['impact@impact.example.edu.au'] });
  await allow('domain', 'impact.example.edu.au');
  const v = await signIn('impact@impact.example.edu.au');
  later(2 * MINUTE);
  const page = await v.get('/impact');
  assert.equal(page.status, 200, page.text.slice(0, 500));
  assert.match(page.text, /<strong>2 affected items<\/strong> on your scope/);
  const rowOf = (code) => page.text.match(new RegExp(`<tr><td><strong>${code}</strong>[\\s\\S]*?</tr>`))?.[0];
  const eq = (m) => (m.is_equivalent ? 'E: equivalent' : 'N: not equivalent');
  const ra = rowOf(a.code);
  assert.ok(ra, page.text);
  assert.match(ra, new RegExp(`<strong>${a.mapped_code}</strong>`));
  assert.ok(ra.includes(eq(a)), ra);
  assert.match(ra, /<td>Yes<\/td>/);
  const rb = rowOf(b.code);
  assert.match(rb, new RegExp(`<strong>${b.mapped_code}</strong>`));
  assert.ok(rb.includes(eq(b)), rb);
  assert.match(rb, /<td><strong>No<\/strong><\/td>/);
  // One internal-api call for the page, as this session (a run of per-code lookups would
  // read to SEC-02 like a scraper walking codes in order).
  const calls = await ops.all("SELECT endpoint FROM api_access_log WHERE user_id = 'usr_org_impact_0' ORDER BY id");
  assert.deepEqual(calls.map((c) => c.endpoint).filter((e) => e.includes('impact') || e.startsWith('/catalogue/verify')),
    [`/catalogue/rtos/${rto}/impact`]);
  // A damaged cursor is the visitor's to fix: a plain-words 400, not a 500.
  const bad = await v.get('/impact?cursor=not-a-cursor');
  assert.equal(bad.status, 400);
  assert.match(bad.text, /Start again from the first page/);
});

test('people: the org\'s members and roles', async () => {
  await org('org_people', { name: 'People College', emails: ['owner@people.example.edu.au', 'member@people.example.edu.au'] });
  await engine.run("INSERT INTO users (id, email, org_id, status, created_at) VALUES ('usr_handlinked', 'linked@people.example.edu.au', 'org_people', 'active', ?1)", iso());
  await org('org_elsewhere', { emails: ['stranger@elsewhere.example.edu.au'] });
  await allow('domain', 'people.example.edu.au');
  const v = await signIn('member@people.example.edu.au');
  const page = await v.get('/people');
  assert.equal(page.status, 200);
  assert.match(page.text, /3 people in People College/);
  const order = [...page.text.matchAll(/<td>([\w.]+@people\.example\.edu\.au)<\/td><td>(\w+)<\/td>/g)].map((m) => [m[1], m[2]]);
  assert.deepEqual(order, [
    ['owner@people.example.edu.au', 'Owner'],
    ['linked@people.example.edu.au', 'Member'],
    ['member@people.example.edu.au', 'Member'],
  ]);
  assert.match(page.text, /— \(you\)/);
  assert.doesNotMatch(page.text, /stranger@/);
});

/** A CSRF token as the workspace mints them (rtopacks_web::csrf), for tests that need a valid one. */
function mintCsrf(binding, action, now = platform.now()) {
  const expiry = Math.floor(now.getTime() / 1000) + 2 * 60 * 60;
  const message = `v1|${Buffer.byteLength(binding)}:${binding}|${Buffer.byteLength(action)}:${action}|${expiry}`;
  const mac = createHmac('sha256', CSRF_SECRET).update(message).digest();
  const exp = Buffer.alloc(8);
  exp.writeBigInt64BE(BigInt(expiry));
  return Buffer.concat([exp, mac]).toString('base64url');
}

async function sessionIdOf(v) {
  const hash = createHash('sha256').update(v.session()).digest('hex');
  return (await engine.first('SELECT id FROM sessions WHERE token_hash = ?1', hash)).id;
}

/** `form` as a multipart body (encoded here: Miniflare's fetch does not take Node's FormData). */
async function multipart(form) {
  const req = new Request('https://encode.invalid/', { method: 'POST', body: form });
  return { body: Buffer.from(await req.arrayBuffer()), type: req.headers.get('content-type') };
}

async function postForm(v, form) {
  const { body, type } = await multipart(form);
  return v.request('POST', '/documents', { body, headers: { 'Content-Type': type, 'Sec-Fetch-Site': 'same-origin', Origin: ORIGIN } });
}

/** A multipart upload from `v`'s documents page. */
async function upload(v, name, bytes, { type = 'application/octet-stream', csrf } = {}) {
  const page = await v.get('/documents');
  const form = new FormData();
  form.append('csrf', csrf ?? v.token('/documents', page));
  form.append('document', new Blob([bytes], { type }), name);
  return postForm(v, form);
}

const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

test('documents: upload, list, download, delete; wrong type, too big and another org\'s file refused', async () => {
  await org('org_docs', { emails: ['files@docs.example.edu.au'] });
  await org('org_docs_other', { emails: ['files@otherdocs.example.edu.au'] });
  await allow('domain', 'docs.example.edu.au');
  await allow('domain', 'otherdocs.example.edu.au');
  const v = await signIn('files@docs.example.edu.au');

  const empty = await v.get('/documents');
  assert.match(empty.text, /No files yet\./);
  assert.match(empty.text, /<label for="document">File<\/label>/);
  assert.match(empty.text, /enctype="multipart\/form-data"/);

  const up = await upload(v, 'Training plan 2026.pdf', PDF, { type: 'application/pdf' });
  assert.equal(up.status, 303, up.text.slice(0, 400));
  assert.equal(up.location, '/documents?uploaded=1');
  const list = await v.get(up.location);
  assert.match(list.text, /Your file was uploaded\./);
  const id = list.text.match(/<a href="\/documents\/(doc_[0-9a-f]{32})" download>Training plan 2026\.pdf<\/a>/)[1];
  const row = await engine.first('SELECT * FROM documents WHERE id = ?1', id);
  assert.equal(row.org_id, 'org_docs');
  assert.equal(row.r2_key, `orgs/org_docs/${id}`);
  assert.equal(row.content_type, 'application/pdf');
  assert.equal(row.size_bytes, PDF.length);
  const object = await platform.r2('CLIENT_MEDIA').get(row.r2_key);
  assert.deepEqual(Buffer.from(await object.arrayBuffer()), PDF);

  const down = await v.get(`/documents/${id}`);
  assert.equal(down.status, 200);
  assert.equal(down.text, PDF.toString());
  assert.equal(down.headers.get('content-type'), 'application/pdf');
  assert.equal(down.headers.get('content-disposition'), "attachment; filename=\"Training plan 2026.pdf\"; filename*=UTF-8''Training%20plan%202026.pdf");
  assert.equal(down.headers.get('x-content-type-options'), 'nosniff');
  assert.match(down.headers.get('cache-control'), /no-store/);

  // Refused files: the form again with the reason, nothing written.
  const before = [(await engine.first('SELECT count(*) AS n FROM documents')).n, (await platform.r2('CLIENT_MEDIA').list()).objects.length];
  const refusedWith = async (res, status, pattern) => {
    assert.equal(res.status, status, res.text.slice(0, 300));
    assert.match(res.text, /There is a problem/);
    assert.match(res.text, pattern);
    assert.match(res.text, /<a href="#document">/);
  };
  await refusedWith(await upload(v, 'tool.exe', Buffer.from('MZ\x90\x00')), 400, /Upload a PDF, Word/);
  await refusedWith(await upload(v, 'fake.pdf', Buffer.from('<html>not a pdf</html>')), 400, /don(&#39;|')t match its \.pdf name/);
  await refusedWith(await upload(v, 'empty.pdf', Buffer.alloc(0)), 400, /The file is empty/);
  const big = Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]);
  await refusedWith(await upload(v, 'big.pdf', big), 413, /larger than 10 MB/);
  const huge = Buffer.concat([PDF, Buffer.alloc(11 * 1024 * 1024)]);
  await refusedWith(await upload(v, 'huge.pdf', huge), 413, /larger than 10 MB/);
  const noFile = new FormData();
  noFile.append('csrf', v.token('/documents', await v.get('/documents')));
  await refusedWith(await postForm(v, noFile), 400, /Choose a file to upload/);
  const forged = await upload(v, 'ok.pdf', PDF, { csrf: 'A'.repeat(54) });
  assert.equal(forged.status, 403);
  assert.deepEqual([(await engine.first('SELECT count(*) AS n FROM documents')).n, (await platform.r2('CLIENT_MEDIA').list()).objects.length], before);

  // Another org's member sees nothing of it, and cannot delete it.
  const o = await signIn('files@otherdocs.example.edu.au');
  const theirs = await o.get('/documents');
  assert.doesNotMatch(theirs.text, /Training plan/);
  assert.equal((await o.get(`/documents/${id}`)).status, 404);
  await o.get('/documents');
  const sneaky = await o.post(`/documents/${id}/delete`, {}, { csrf: o.token('/signout') });
  assert.equal(sneaky.status, 403, 'a token for another form');
  // Even a valid token for that path on their own session finds nothing to delete.
  const theirSession = await sessionIdOf(o);
  const minted = await o.post(`/documents/${id}/delete`, {}, { csrf: mintCsrf(`s:${theirSession}`, `/documents/${id}/delete`) });
  assert.equal(minted.status, 404);
  assert.equal((await engine.first('SELECT deleted_at FROM documents WHERE id = ?1', id)).deleted_at, null);
  assert.ok(await platform.r2('CLIENT_MEDIA').head(row.r2_key));
  assert.equal((await o.get('/documents/doc_not-an-id')).status, 404);

  // Delete: soft in the table, gone from R2.
  await v.get('/documents');
  const del = await v.post(`/documents/${id}/delete`);
  assert.equal(del.status, 303);
  assert.equal(del.location, '/documents?deleted=1');
  assert.match((await v.get(del.location)).text, /The file was deleted\./);
  assert.equal((await engine.first('SELECT deleted_at FROM documents WHERE id = ?1', id)).deleted_at, iso());
  assert.equal(await platform.r2('CLIENT_MEDIA').get(row.r2_key), null);
  assert.equal((await v.get(`/documents/${id}`)).status, 404);
  await v.get('/documents');
  const twice = await v.post(`/documents/${id}/delete`, {}, { csrf: v.token('/signout') });
  assert.equal(twice.status, 403);
});

test('hostile names are shown as text: an org, a user and a file named like markup', async () => {
  const FILE = '<img src=x onerror=alert(1)>.pdf';
  await org('org_hostile', { name: HOSTILE, emails: ['evil@hostile.example.edu.au', 'colleague@hostile.example.edu.au'] });
  await engine.run('UPDATE users SET display_name = ?1 WHERE email = ?2', HOSTILE, 'colleague@hostile.example.edu.au');
  await allow('domain', 'hostile.example.edu.au');
  const v = await signIn('evil@hostile.example.edu.au');
  const up = await upload(v, FILE, PDF);
  assert.equal(up.status, 303, up.text.slice(0, 300));
  const script = '&lt;script&gt;alert(1)&lt;/script&gt;';
  for (const [path, escaped] of [['/', script], ['/people', script], ['/documents', '&lt;img src=x onerror=alert(1)&gt;.pdf']]) {
    const page = await v.get(path);
    assert.equal(page.status, 200, path);
    assert.ok(!page.text.includes(HOSTILE) && !page.text.includes('<img'), `${path}: unescaped`);
    assert.ok(!page.text.includes('<script'), path);
    assert.ok(page.text.includes(escaped), `${path}: the name is shown, escaped`);
  }
  const c = await new Visitor().get(`/auth?next=${encodeURIComponent('/x"><script>alert(1)</script>')}`);
  assert.ok(!c.text.includes('<script'));
  // The download keeps the name, safely encoded.
  const id = (await engine.first("SELECT id FROM documents WHERE org_id = 'org_hostile'")).id;
  const down = await v.get(`/documents/${id}`);
  assert.equal(down.headers.get('content-disposition'),
    "attachment; filename=\"<img src=x onerror=alert(1)>.pdf\"; filename*=UTF-8''%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.pdf");
  // And a hostile address typed into the sign-in form comes back as text.
  const bad = await askLink(new Visitor(), HOSTILE);
  assert.equal(bad.status, 400);
  assert.ok(!bad.text.includes(HOSTILE));
  assert.ok(bad.text.includes(`value="${script}"`));
});
