// internal-api under Miniflare, over a corpus the syncs themselves wrote (tga-sync, then
// enrich-sync, against the upstream fakes): both doors (service binding trusted, public
// host behind a Cloudflare Access JWT verified in code against a JWKS served here), every
// route, the three tiers from sessions created in engine-db-oc, bad input, key
// administration, and SEC-02 from green through amber to red on a session that walks
// /catalogue/rtos/{code} in order. Every request must leave one api_access_log row.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createSign, generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { ROOT } from './harness/workers.mjs';
import { startPlatform } from './harness/platform.mjs';
import { createFakes, DEFAULT_CREDENTIALS } from './fakes/index.mjs';
import { json, envelope, settled } from './harness/expect.mjs';

const TEAM = 'rtopacks-test.cloudflareaccess.com';
const AUD = 'aud-internal-api-test';
const TOKEN = 'test-trigger-token';
const OPERATOR_TOKEN = 'local-operator-token';
const SERVICE = 'https://internal-api.internal';
const START = '2026-11-23T00:00:00Z';

// The Access team's signing key (and an impostor's), made for this run.
const team = generateKeyPairSync('rsa', { modulusLength: 2048 });
const impostor = generateKeyPairSync('rsa', { modulusLength: 2048 });
const b64u = (s) => Buffer.from(s).toString('base64url');
const jwks = { keys: [{ ...team.publicKey.export({ format: 'jwk' }), kid: 'team-1', alg: 'RS256', use: 'sig' }] };
let certFetches = 0;

let platform, fakes, corpus, ops, engine, worker;
let requests = 0; // every request this file sends to internal-api
const codes = {};

function accessJwt(claims = {}, { key = team.privateKey, kid = 'team-1' } = {}) {
  const t = Math.floor(platform.now().getTime() / 1000);
  const head = b64u(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' }));
  const body = b64u(JSON.stringify({
    aud: [AUD], email: 'tim@rtopacks.com.au', iss: `https://${TEAM}`, exp: t + 600, nbf: t - 5, iat: t - 5,
    sub: 'access-user-1', type: 'app', ...claims,
  }));
  const sig = createSign('RSA-SHA256').update(`${head}.${body}`).sign(key);
  return `${head}.${body}.${b64u(sig)}`;
}

/** Moves the clock 1.5 s (no sub-second gaps, no false velocity) and sends one request. */
async function send(url, init = {}) {
  platform.setClock(new Date(platform.now().getTime() + 1500));
  requests++;
  return worker.fetch(url, init);
}
/** Service door (a surface's service binding). `client` keeps SEC-02 windows apart per test. */
const svc = (path, { session, client = 'svc-default', headers = {}, ...init } = {}) =>
  send(`${SERVICE}${path}`, {
    ...init,
    headers: { 'X-RTOpacks-Client': client, ...(session ? { 'X-RTOpacks-Session': session } : {}), ...headers },
  });
/** Public door: the route host, with an Access JWT unless `jwt: null`. */
const pub = (path, { jwt = accessJwt(), headers = {}, ...init } = {}) =>
  send(`https://internal-api.rtopacks.com.au${path}`, {
    ...init,
    headers: { ...(jwt ? { 'Cf-Access-Jwt-Assertion': jwt } : {}), 'CF-Connecting-IP': '203.0.113.7', ...headers },
  });



/** A user with a live session; `rtoCode` links the user's org to an RTO. */
async function session(name, { rtoCode = null, client = false } = {}) {
  const now = platform.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const org = rtoCode ? `org_${name}` : null;
  if (org) await engine.run('INSERT INTO orgs (id, name, rto_code, created_at) VALUES (?1, ?2, ?3, ?4)', org, `${name} org`, rtoCode, now);
  await engine.run("INSERT INTO users (id, email, org_id, status, created_at) VALUES (?1, ?2, ?3, 'active', ?4)", `u_${name}`, `${name}@example.com`, org, now);
  const token = `tok-${name}-${'x'.repeat(30)}`;
  await engine.run(
    `INSERT INTO sessions (id, token_hash, user_id, created_at, idle_expires_at, absolute_expires_at)
     VALUES (?1, ?2, ?3, ?4, '2027-01-01T00:00:00Z', '2027-01-01T00:00:00Z')`,
    `sess_${name}`, createHash('sha256').update(token).digest('hex'), `u_${name}`, now);
  if (client) {
    await ops.run("INSERT INTO rto_clients (rto_code, is_client, client_since, client_status, plan, created_at, updated_at) VALUES (?1, 1, ?2, 'active', 'essential', ?2, ?2)", rtoCode, now);
  }
  return token;
}

before(async () => {
  fakes = createFakes({ size: 'small', baseDate: '2026-11-21T16:00:00Z', now: () => platform?.now() ?? new Date('2026-11-21T16:00:00Z') });
  const outbound = (request) => {
    const url = new URL(request.url);
    if (url.hostname === TEAM && url.pathname === '/cdn-cgi/access/certs') {
      certFetches++;
      return Response.json(jwks);
    }
    return fakes.fetch(request);
  };
  platform = await startPlatform({
    workers: ['tga-sync', 'enrich-sync', 'internal-api'],
    now: '2026-11-21T16:00:00Z',
    outbound,
    bindings: {
      'tga-sync': { TRIGGER_TOKEN: TOKEN, TGA_USERNAME: DEFAULT_CREDENTIALS.username, TGA_PASSWORD: DEFAULT_CREDENTIALS.password },
      'enrich-sync': { TRIGGER_TOKEN: TOKEN, ENRICH_CODES_PER_INVOCATION: '40' },
      'internal-api': {
        ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: `some-other-app,${AUD}`, ANON_SALT: 'test-salt', TRIGGER_TOKEN: OPERATOR_TOKEN,
        // A short walk makes the point: amber after 5 lookups in order, red after 12.
        SEC02_SEQUENTIAL_AMBER_RUN: '5', SEC02_SEQUENTIAL_RED_RUN: '12', SEC02_AMBER_DELAY_MS: '250', SEC02_AMBER_MAX_DELAY_MS: '500',
      },
    },
  });
  corpus = platform.d1('rtopacks-db');
  ops = platform.d1('ops-db');
  engine = platform.d1('engine-db-oc');
  worker = await platform.mf.getWorker('rtopacks-internal-api');

  await platform.scheduled('tga-sync', { cron: '0 16 * * SAT' });
  assert.equal((await settled(ops, 'tga_sync')).status, 'complete');
  platform.setClock('2026-11-22T12:00:00Z');
  await platform.scheduled('enrich-sync', { cron: '0 12 * * SAT' });
  assert.equal((await settled(ops, 'enrich_sync')).status, 'complete');
  platform.setClock(START);

  const one = async (sql) => Object.values(await corpus.first(sql))[0];
  codes.qualification = await one("SELECT code FROM tga_training_components WHERE component_type = 'Qualification' AND is_current = 1 ORDER BY code LIMIT 1");
  codes.unit = await one("SELECT code FROM tga_training_components WHERE component_type = 'Unit' AND is_current = 1 ORDER BY code LIMIT 1");
  codes.skillSet = await one("SELECT code FROM tga_training_components WHERE component_type = 'SkillSet' ORDER BY code LIMIT 1");
  codes.package = await one("SELECT code FROM tga_training_components WHERE component_type = 'TrainingPackage' ORDER BY code LIMIT 1");
  codes.superseded = await one("SELECT code FROM tga_training_components WHERE component_type = 'Qualification' AND usage_recommendation = 'Superseded' ORDER BY code LIMIT 1");
  // An RTO with an organisation-level contact and a person.
  codes.rto = await one(`SELECT rto_code FROM rto_contacts GROUP BY rto_code
    HAVING sum(first_name IS NOT NULL OR last_name IS NOT NULL) > 0
       AND sum(first_name IS NULL AND last_name IS NULL) > 0 ORDER BY rto_code LIMIT 1`);
  codes.scoped = await one('SELECT component_code FROM rto_scope ORDER BY component_code LIMIT 1');
  for (const [k, v] of Object.entries(codes)) assert.ok(v, `no ${k} in the corpus`);
});
after(() => platform?.dispose());

test('the service door answers every catalogue route without Access', async () => {
  const search = await json(await svc(`/catalogue/search?q=${encodeURIComponent('management')}&per_page=5`), 200);
  assert.ok(search.results.length > 0, JSON.stringify(search).slice(0, 200));
  assert.ok(search.freshness, 'answers are dated');
  for (const path of [
    `/catalogue/qualifications/${codes.qualification}`,
    `/catalogue/units/${codes.unit}`,
    `/catalogue/skill-sets/${codes.skillSet}`,
    `/catalogue/components/${codes.unit}`,
    `/catalogue/components/${codes.scoped}/rtos`,
    `/catalogue/components/${codes.superseded}/impact`,
    `/catalogue/components/${codes.qualification}/cricos-courses`,
    `/catalogue/packages/${codes.package}/ladder`,
    `/catalogue/verify?code=${codes.scoped}`,
    `/catalogue/verify?code=${codes.qualification}&rto=${codes.rto}`,
  ]) {
    const body = await json(await svc(path), 200);
    assert.ok(body.freshness, `${path}: no freshness`);
  }
  const head = await svc(`/catalogue/units/${codes.unit}`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
});

test('the public host needs a valid Cloudflare Access token; the billing bypass paths do not', async () => {
  await envelope(await pub(`/catalogue/units/${codes.unit}`, { jwt: null }), 403, /Cloudflare Access/);
  const bad = {
    'wrong audience': accessJwt({ aud: ['another-app'] }),
    'other team': accessJwt({ iss: 'https://evil.cloudflareaccess.com' }),
    expired: accessJwt({ exp: Math.floor(platform.now().getTime() / 1000) - 3600 }),
    'not yet valid': accessJwt({ nbf: Math.floor(platform.now().getTime() / 1000) + 3600 }),
    impostor: accessJwt({}, { key: impostor.privateKey }),
    'unknown kid': accessJwt({}, { key: impostor.privateKey, kid: 'impostor-1' }),
    junk: 'not.a.jwt',
  };
  for (const [why, jwt] of Object.entries(bad)) {
    const res = await pub(`/catalogue/units/${codes.unit}`, { jwt });
    assert.equal(res.status, 403, why);
    await envelope(res, 403);
  }
  const ok = await json(await pub(`/catalogue/units/${codes.unit}`), 200);
  assert.equal(ok.code, codes.unit);
  // A service token (no email, common_name) is accepted too.
  await json(await pub('/me/tier', { jwt: accessJwt({ email: undefined, common_name: 'keys-cli.access' }) }), 200);
  assert.ok(certFetches >= 1 && certFetches <= 3, `JWKS fetched ${certFetches} times (cached per isolate)`);

  for (const path of ['/billing/webhook', '/billing/qb-callback']) {
    await envelope(await pub(path, { jwt: null, method: 'POST', body: '{}' }), 404, /billing/);
  }
});

/** The signed-in and L4 sessions of the tier tests (made once). */
let tierSessions;
async function tierTokens() {
  tierSessions ??= {
    signedIn: await session('reader', { rtoCode: '99999991' }),
    l4: await session('client', { rtoCode: codes.rto, client: true }),
  };
  return tierSessions;
}

test('tiers: /me/tier says anonymous, signed-in or L4; a session that ended is "session expired"', async () => {
  const { signedIn, l4 } = await tierTokens();
  assert.deepEqual(await json(await svc('/me/tier', { client: 'tiers' }), 200),
    { tier: 'anonymous', session_id: null, user_id: null, org_id: null, rto_code: null });
  const me = await json(await svc('/me/tier', { session: l4 }), 200);
  assert.deepEqual(me, { tier: 'l4', session_id: 'sess_client', user_id: 'u_client', org_id: 'org_client', rto_code: codes.rto });
  assert.deepEqual(await json(await svc('/me/tier', { session: signedIn }), 200),
    { tier: 'signed_in', session_id: 'sess_reader', user_id: 'u_reader', org_id: 'org_reader', rto_code: '99999991' });

  // A token that no longer resolves is an ordinary "session expired".
  await envelope(await svc('/me/tier', { session: 'tok-nobody-xxxxxxxxxxxxxxxxxxxxxxxxxx' }), 401, /session has expired/);
  const lapsed = await session('lapsed');
  assert.equal((await json(await svc('/me/tier', { session: lapsed }), 200)).tier, 'signed_in');
  await engine.run("UPDATE sessions SET idle_expires_at = ?1 WHERE id = 'sess_lapsed'", platform.now().toISOString().replace(/\.\d{3}Z$/, 'Z'));
  await envelope(await svc('/me/tier', { session: lapsed }), 401, /session has expired/);
  await envelope(await svc('/me/tier', { method: 'POST' }), 405);
});

test('tiers: an RTO\'s contacts — none for anonymous, organisation contacts signed-in, everything for L4', async () => {
  const { signedIn, l4 } = await tierTokens();
  const anon = await json(await svc(`/catalogue/rtos/${codes.rto}`, { client: 'tiers' }), 200);
  assert.equal(anon.tier, 'anonymous');
  assert.equal(anon.contacts.length, 0);
  assert.ok(anon.contacts_withheld >= 2);

  const si = await json(await svc(`/catalogue/rtos/${codes.rto}`, { session: signedIn }), 200);
  assert.equal(si.tier, 'signed_in');
  assert.ok(si.contacts.length >= 1);
  assert.ok(si.contacts.every((c) => !c.first_name && !c.last_name), 'no person for signed-in');
  assert.ok(si.contacts_withheld >= 1);

  const full = await json(await svc(`/catalogue/rtos/${codes.rto}`, { session: l4 }), 200);
  assert.equal(full.tier, 'l4');
  assert.equal(full.contacts_withheld, 0);
  assert.ok(full.contacts.some((c) => c.first_name || c.last_name), 'persons for L4');
  await envelope(await svc('/catalogue/rtos/99999999', { client: 'tiers' }), 404, /99999999/);
});

test('org lookup: the client card from ops-db, engine-db-oc and the corpus', async () => {
  await tierTokens();
  const card = await json(await svc(`/org/${codes.rto}`, { client: 'org' }), 200);
  assert.equal(card.rto_code, codes.rto);
  assert.equal(card.is_active_client, true);
  assert.deepEqual({ ...card.client, updated_at: undefined, client_since: undefined },
    { is_client: true, client_status: 'active', plan: 'essential', is_test: false, updated_at: undefined, client_since: undefined });
  assert.deepEqual(card.org, { id: 'org_client', name: 'client org' });
  assert.equal(card.rto.code, codes.rto);
  assert.equal(card.rto.contacts.length, 0, 'anonymous caller: no contacts on the card either');

  const [plain] = await corpus.all('SELECT rto_code FROM rtos WHERE rto_code <> ?1 ORDER BY rto_code LIMIT 1', codes.rto);
  const other = await json(await svc(`/org/${plain.rto_code}`, { client: 'org' }), 200);
  assert.deepEqual([other.is_active_client, other.client, other.org], [false, null, null]);

  await envelope(await svc('/org/99999998', { client: 'org' }), 404, /99999998/);
});

test('bad input is a 4xx envelope, never a 500', async () => {
  const cases = [
    ['/catalogue/units/not-a-code!', 400],
    ['/catalogue/units/ZZZ99999', 404],
    ['/catalogue/rtos/ABC', 400],
    ['/catalogue/search?q=x&cursor=garbage', 400],
    ['/catalogue/search?q=x&per_page=1000', 400],
    ['/catalogue/search?q=x&per_pge=5', 400],
    [`/catalogue/search?q=${encodeURIComponent('"unterminated NEAR( OR * AND -- ; DROP TABLE rtos')}`, 200],
    [`/catalogue/search?q=${encodeURIComponent("' OR 1=1 --")}`, 200],
    [`/catalogue/search?q=${'a'.repeat(5000)}`, 400],
    ['/catalogue/search?q=%ZZ', 400],
    ['/catalogue/nothing-here', 404],
    ['/nowhere', 404],
  ];
  for (const [path, status] of cases) {
    const res = await svc(path, { client: 'bad-input' });
    assert.equal(res.status, status, path);
    if (status >= 400) await envelope(res, status);
    else await res.arrayBuffer();
  }
  await envelope(await svc("/org/1'%20OR%201=1", { client: 'bad-input' }), 400, /RTO codes are 1 to 8 digits/);
  await envelope(await svc('/org/12345', { client: 'bad-input', method: 'DELETE' }), 405);
  const post = await svc(`/catalogue/units/${codes.unit}`, { client: 'bad-input', method: 'POST' });
  await envelope(post, 405);
  assert.match(post.headers.get('allow'), /GET/);
});

test('key administration: Access only, the key shown once, listed without hashes, revoked', async () => {
  // The service door without an Access identity or the operator token: refused.
  await envelope(await svc('/admin/keys', { method: 'POST', body: '{"kind":"api","owner":"x"}' }), 403, /Access/);
  await envelope(await svc('/admin/keys', { headers: { Authorization: 'Bearer wrong' } }), 403);

  const issue = (body, init = {}) => pub('/admin/keys', { method: 'POST', body: JSON.stringify(body), ...init });
  const issued = await json(await issue({ kind: 'api', owner: 'dev@example.com', scopes: ['catalogue:read'], rate_limit_per_minute: 120 }), 201);
  assert.match(issued.key, /^rtp_live_[0-9a-f]{16}_[0-9a-f]{64}$/);
  assert.equal(issued.record.id, issued.key.slice(9, 25));
  assert.match(issued.note, /only time/);
  const stored = JSON.parse(await platform.kv('RTOPACKS_OPERATIONAL_KEYS').get(`key:${issued.record.id}`));
  assert.equal(stored.hash, createHash('sha256').update(issued.key).digest('hex'));
  assert.ok(!JSON.stringify(stored).includes(issued.key.slice(-64)), 'the secret is never stored');

  const mcp = await json(await issue({ kind: 'mcp', owner: 'agent' }), 201);
  assert.match(mcp.key, /^rtp_mcp_/);
  assert.deepEqual(mcp.record.scopes, ['catalogue:read']);
  assert.ok(await platform.kv('MCP_API_KEYS').get(`key:${mcp.record.id}`));

  // The local stack's way in: the operator token, on the service door only.
  const viaToken = await json(await svc('/admin/keys?kind=api', { headers: { Authorization: `Bearer ${OPERATOR_TOKEN}` } }), 200);
  assert.deepEqual(viaToken.keys.map((k) => k.id), [issued.record.id]);
  await envelope(await pub('/admin/keys', { jwt: null, headers: { Authorization: `Bearer ${OPERATOR_TOKEN}` } }), 403);

  const all = await json(await pub('/admin/keys'), 200);
  assert.deepEqual(all.keys.map((k) => [k.kind, k.id]).sort(), [['api', issued.record.id], ['mcp', mcp.record.id]].sort());
  assert.ok(all.keys.every((k) => !('hash' in k) && !('key' in k)));

  for (const [body, pattern] of [
    [{ kind: 'api', owner: '' }, /owner/],
    [{ kind: 'api', owner: 'x', scopes: ['admin'] }, /unknown scope/],
    [{ kind: 'sms', owner: 'x' }, /JSON object/],
    [{ kind: 'api', owner: 'x', rate_limit_per_minute: 0 }, /at least 1/],
  ]) {
    await envelope(await issue(body), 400, pattern);
  }
  await envelope(await pub('/admin/keys', { method: 'POST', body: 'not json' }), 400);
  await envelope(await pub('/admin/keys?kind=sms'), 400, /api or mcp/);

  const revoked = await json(await pub(`/admin/keys/${issued.record.id}/revoke`, { method: 'POST' }), 200);
  assert.equal(revoked.revoked.id, issued.record.id);
  assert.equal(revoked.revoked.revoked_at, platform.now().toISOString().replace(/\.\d{3}Z$/, 'Z'));
  const again = await json(await pub(`/admin/keys/${issued.record.id}/revoke`, { method: 'POST' }), 200);
  assert.equal(again.revoked.revoked_at, revoked.revoked.revoked_at, 'revoking twice keeps the first time');
  await envelope(await pub('/admin/keys/0123456789abcdef/revoke', { method: 'POST' }), 404);
  await envelope(await pub('/admin/keys/NOT-AN-ID/revoke', { method: 'POST' }), 400);
  await envelope(await pub(`/admin/keys/${issued.record.id}/revoke`), 405);
});

test('scripts/keys issues, lists and revokes through the admin routes (the local stack door)', async () => {
  // A stand-in for scripts/dev's port: routes by Host to this worker, as the local stack does.
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    requests++;
    platform.setClock(new Date(platform.now().getTime() + 1500));
    const answer = await worker.fetch(`http://${req.headers.host}${req.url}`, {
      method: req.method, headers: req.headers, body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const keys = (...args) => promisify(execFile)(join(ROOT, 'scripts/keys'), ['--local', ...args], {
    env: { ...process.env, PORT: String(server.address().port), TRIGGER_TOKEN: OPERATOR_TOKEN },
  });
  try {
    const { stdout, stderr } = await keys('issue', '--kind', 'mcp', '--owner', 'cli "quoted" owner', '--scopes', 'catalogue:read,catalogue:contacts', '--rate', '30');
    const issued = JSON.parse(stdout);
    assert.match(issued.key, /^rtp_mcp_/);
    assert.deepEqual([issued.record.owner, issued.record.rate_limit_per_minute], ['cli "quoted" owner', 30]);
    assert.match(stderr, /shown this once/);
    const listed = JSON.parse((await keys('list', '--kind', 'mcp')).stdout);
    assert.ok(listed.keys.some((k) => k.id === issued.record.id && k.revoked_at === null));
    const revoked = JSON.parse((await keys('revoke', issued.record.id)).stdout);
    assert.ok(revoked.revoked.revoked_at);
    await assert.rejects(keys('issue', '--kind', 'api', '--owner', 'x', '--scopes', 'admin'), (e) => /HTTP 400: unknown scope/.test(e.stderr));
    await assert.rejects(
      promisify(execFile)(join(ROOT, 'scripts/keys'), ['--local', 'list'], { env: { ...process.env, PORT: String(server.address().port), TRIGGER_TOKEN: 'wrong' } }),
      (e) => /HTTP 403/.test(e.stderr),
    );
  } finally {
    server.close();
  }
});

/**
 * SEC-02 end to end: session `name` looks up `codes` in ascending order through `route`
 * (e.g. `/catalogue/rtos/`): green, then amber (answered after the injected delay, one
 * anomaly row), then red on the twelfth (SEC02_SEQUENTIAL_RED_RUN): 401 "session expired",
 * the session revoked, a red anomaly row, the runbook's alert in the outbox, and every step
 * in the access log.
 */
async function walk(name, route, codesInOrder) {
  const token = await session(name);
  const seen = [];
  for (const code of codesInOrder) {
    const t0 = Date.now();
    const res = await svc(`${route}${code}`, { session: token });
    const ms = Date.now() - t0;
    seen.push({ code, status: res.status, ms, body: await res.json() });
    if (res.status === 401) break;
  }
  const ok = seen.filter((s) => s.status !== 401);
  const last = seen.at(-1);
  assert.equal(last.status, 401, JSON.stringify(seen.map((s) => s.status)));
  assert.match(last.body.errors[0].detail, /session has expired/);
  assert.equal(ok.length, 11, 'the twelfth lookup in order is red');
  assert.deepEqual(ok.map((s) => s.status), ok.map(() => 200), JSON.stringify(ok.find((s) => s.status !== 200)?.body));
  // Green first, then amber: answered, but after the injected delay.
  assert.ok(ok.slice(5).every((s) => s.ms >= 240), `amber delays: ${ok.map((s) => s.ms)}`);

  const sess = await engine.first('SELECT revoked_at, revoke_reason FROM sessions WHERE id = ?1', `sess_${name}`);
  assert.equal(sess.revoke_reason, 'sec02_red');
  assert.ok(sess.revoked_at);
  const anomalies = await ops.all('SELECT zone, trigger_reason, action, user_id FROM anomaly_log WHERE session_id = ?1 ORDER BY id', `sess_${name}`);
  assert.deepEqual(anomalies.map((a) => [a.zone, a.action]), [['amber', 'latency_injected'], ['red', 'session_revoked']]);
  assert.ok(anomalies.every((a) => a.trigger_reason === 'sequential' && a.user_id === `u_${name}`));
  const mail = (await platform.outbox()).filter((m) => m.subject === `[SEC-02 RED] Session revoked — u_${name}`);
  assert.equal(mail.length, 1);
  assert.equal(mail[0].status, 'recorded');
  assert.match(mail[0].text, new RegExp(`Session: +sess_${name}`));

  // The revoked user is simply signed out.
  await envelope(await svc('/me/tier', { session: token }), 401, /session has expired/);
  const log = await ops.all('SELECT endpoint, response_status FROM api_access_log WHERE session_id = ?1 ORDER BY id', `sess_${name}`);
  assert.deepEqual(log.map((r) => r.endpoint), seen.map((s) => `${route}${s.code}`));
  assert.equal(log.at(-1).response_status, 401);
}

test('SEC-02: a session walking units in order is slowed, then revoked with one alert', async () => {
  const units = (await corpus.all("SELECT code FROM tga_training_components WHERE component_type = 'Unit'")).map((r) => r.code)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).slice(0, 20);
  await walk('unitwalker', '/catalogue/units/', units);
});

test('SEC-02: a session walking /catalogue/rtos/{code} in order is slowed, then revoked with one alert', async () => {
  const rtos = (await corpus.all('SELECT rto_code FROM rtos ORDER BY CAST(rto_code AS INTEGER) LIMIT 20')).map((r) => r.rto_code);
  await walk('rtowalker', '/catalogue/rtos/', rtos);
});

test('every request is in api_access_log with surface internal-api, no query strings', async () => {
  const rows = await ops.all("SELECT surface, endpoint, method, response_status, client_id, session_id, latency_ms FROM api_access_log");
  assert.equal(rows.length, requests);
  assert.ok(rows.every((r) => r.surface === 'internal-api'));
  assert.ok(rows.every((r) => !r.endpoint.includes('?')), 'search text stays out of the log');
  assert.ok(rows.every((r) => r.client_id || r.session_id), 'every row names its client');
  assert.ok(rows.every((r) => r.latency_ms >= 0));
  assert.ok(rows.some((r) => r.response_status === 403) && rows.some((r) => r.response_status === 404));
});
