// The public api under Miniflare, over a corpus the syncs wrote against the upstream
// fakes: the OpenAPI document served without a key and matching the routes it serves;
// keys issued through internal-api's admin route, used here, revoked, refused; what a key's
// scopes let it see; its own rate limit; bad input as 4xx envelopes; every request in
// api_access_log with surface api.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { startPlatform } from './harness/platform.mjs';
import { createFakes, DEFAULT_CREDENTIALS } from './fakes/index.mjs';
import { json, envelope, settled } from './harness/expect.mjs';

const TEAM = 'rtopacks-test.cloudflareaccess.com';
const AUD = 'aud-internal-api-test';
const TOKEN = 'test-trigger-token';
const API = 'https://api.rtopacks.com.au';

const team = generateKeyPairSync('rsa', { modulusLength: 2048 });
const b64u = (s) => Buffer.from(s).toString('base64url');
const jwks = { keys: [{ ...team.publicKey.export({ format: 'jwk' }), kid: 'team-1', alg: 'RS256', use: 'sig' }] };

let platform, fakes, corpus, ops, api, internal;
let requests = 0; // every request this file sends to the api worker
const codes = {};

function accessJwt() {
  const t = Math.floor(platform.now().getTime() / 1000);
  const head = b64u(JSON.stringify({ alg: 'RS256', kid: 'team-1' }));
  const body = b64u(JSON.stringify({ aud: [AUD], email: 'tim@rtopacks.com.au', iss: `https://${TEAM}`, exp: t + 600, nbf: t - 5 }));
  return `${head}.${body}.${b64u(createSign('RSA-SHA256').update(`${head}.${body}`).sign(team.privateKey))}`;
}

const tick = () => platform.setClock(new Date(platform.now().getTime() + 1500));
/** One request to the api; `key` becomes the Bearer header. */
async function call(path, { key, headers = {}, ...init } = {}) {
  tick();
  requests++;
  return api.fetch(`${API}${path}`, { ...init, headers: { 'CF-Connecting-IP': '198.51.100.4', ...(key ? { Authorization: `Bearer ${key}` } : {}), ...headers } });
}
/** internal-api's admin routes, on its public host with an Access token. */
async function admin(path, init = {}) {
  tick();
  const res = await internal.fetch(`https://internal-api.rtopacks.com.au${path}`, {
    ...init, headers: { 'Cf-Access-Jwt-Assertion': accessJwt(), 'Content-Type': 'application/json' },
  });
  return { status: res.status, body: await res.json() };
}
async function issue(body) {
  const res = await admin('/admin/keys', { method: 'POST', body: JSON.stringify(body) });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}



before(async () => {
  fakes = createFakes({ size: 'small', baseDate: '2026-11-21T16:00:00Z', now: () => platform?.now() ?? new Date('2026-11-21T16:00:00Z') });
  const outbound = (request) => {
    const url = new URL(request.url);
    if (url.hostname === TEAM && url.pathname === '/cdn-cgi/access/certs') return Response.json(jwks);
    return fakes.fetch(request);
  };
  platform = await startPlatform({
    workers: ['tga-sync', 'enrich-sync', 'internal-api', 'api'],
    now: '2026-11-21T16:00:00Z',
    outbound,
    bindings: {
      'tga-sync': { TRIGGER_TOKEN: TOKEN, TGA_USERNAME: DEFAULT_CREDENTIALS.username, TGA_PASSWORD: DEFAULT_CREDENTIALS.password },
      'enrich-sync': { TRIGGER_TOKEN: TOKEN, ENRICH_CODES_PER_INVOCATION: '40' },
      'internal-api': { ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD, ANON_SALT: 'test-salt' },
      api: { ANON_SALT: 'test-salt' },
    },
  });
  corpus = platform.d1('rtopacks-db');
  ops = platform.d1('ops-db');
  api = await platform.mf.getWorker('rtopacks-api');
  internal = await platform.mf.getWorker('rtopacks-internal-api');

  await platform.scheduled('tga-sync', { cron: '0 16 * * SAT' });
  assert.equal((await settled(ops, 'tga_sync')).status, 'complete');
  platform.setClock('2026-11-22T12:00:00Z');
  await platform.scheduled('enrich-sync', { cron: '0 12 * * SAT' });
  assert.equal((await settled(ops, 'enrich_sync')).status, 'complete');
  platform.setClock('2026-11-23T00:00:00Z');

  const one = async (sql) => Object.values((await corpus.first(sql)) ?? {})[0];
  codes.qualification = await one("SELECT code FROM tga_training_components WHERE component_type = 'Qualification' AND is_current = 1 ORDER BY code LIMIT 1");
  codes.unit = await one("SELECT code FROM tga_training_components WHERE component_type = 'Unit' AND is_current = 1 ORDER BY code LIMIT 1");
  codes.skillSet = await one("SELECT code FROM tga_training_components WHERE component_type = 'SkillSet' ORDER BY code LIMIT 1");
  codes.package = await one("SELECT code FROM tga_training_components WHERE component_type = 'TrainingPackage' ORDER BY code LIMIT 1");
  codes.accredited = await one("SELECT code FROM tga_training_components WHERE component_type = 'AccreditedCourse' ORDER BY code LIMIT 1");
  codes.rto = await one(`SELECT rto_code FROM rto_contacts GROUP BY rto_code
    HAVING sum(first_name IS NOT NULL OR last_name IS NOT NULL) > 0
       AND sum(first_name IS NULL AND last_name IS NULL) > 0 ORDER BY rto_code LIMIT 1`);
  for (const k of ['qualification', 'unit', 'skillSet', 'package', 'rto']) assert.ok(codes[k], `no ${k} in the corpus`);
});
after(() => platform?.dispose());

test('the OpenAPI document is served without a key and every documented path answers', async () => {
  const res = await call('/api/v1/openapi.json');
  const doc = await json(res, 200);
  assert.match(doc.openapi, /^3\.1/);
  assert.deepEqual(doc.servers, [{ url: API }]);
  assert.equal(doc.components.securitySchemes.bearer.scheme, 'bearer');
  const { key } = await issue({ kind: 'api', owner: 'openapi-walker', rate_limit_per_minute: 1000 });
  const paths = Object.keys(doc.paths);
  assert.ok(paths.length >= 10, paths.join());
  const fill = (p) => {
    const param = p.match(/\{(\w+)\}/)?.[1];
    if (!param) return p;
    const code = p.includes('/rtos/') ? codes.rto
      : p.includes('/units/') ? codes.unit
      : p.includes('/skill-sets/') ? codes.skillSet
      : p.includes('/packages/') ? codes.package
      : p.includes('/accredited-courses/') ? codes.accredited
      : codes.qualification;
    return p.replace(`{${param}}`, code);
  };
  for (const path of paths) {
    assert.ok(path.startsWith('/api/v1/'), path);
    const methods = Object.keys(doc.paths[path]);
    assert.deepEqual(methods, ['get'], path);
    if (path.includes('/accredited-courses/') && !codes.accredited) continue; // the small corpus may hold none
    let url = fill(path);
    const required = (doc.paths[path].get.parameters ?? []).filter((p) => p.in === 'query' && p.required);
    if (required.length) url += `?${required.map((p) => `${p.name}=${p.name === 'rto' ? codes.rto : p.name === 'q' ? 'management' : codes.qualification}`).join('&')}`;
    const answer = await call(url, { key });
    const body = await answer.json();
    assert.equal(answer.status, 200, `${url}: ${JSON.stringify(body).slice(0, 300)}`);
    assert.ok(body.freshness, `${url}: answers are dated`);
  }
  // And the route table has no route the document leaves out.
  await envelope(await call('/api/v1/not-a-route', { key }), 404);
});

test('a key is required, well formed, of the api kind, known and not revoked', async () => {
  const missing = await call(`/api/v1/units/${codes.unit}`);
  await envelope(missing, 401, /Authorization: Bearer rtp_live_/);
  assert.match(missing.headers.get('www-authenticate'), /^Bearer/);
  await envelope(await call(`/api/v1/units/${codes.unit}`, { headers: { Authorization: 'Basic Zm9vOmJhcg==' } }), 401);
  await envelope(await call(`/api/v1/units/${codes.unit}`, { key: 'sk_live_123' }), 401, /not an RTOpacks api key/);
  await envelope(await call(`/api/v1/units/${codes.unit}`, { key: `rtp_live_${'0'.repeat(16)}_${'0'.repeat(64)}` }), 401, /not known/);
  const mcp = await issue({ kind: 'mcp', owner: 'agent' });
  await envelope(await call(`/api/v1/units/${codes.unit}`, { key: mcp.key }), 401, /mcp key/);

  // Issue → use → revoke → refused.
  const { key, record } = await issue({ kind: 'api', owner: 'dev@example.com' });
  const unit = await json(await call(`/api/v1/units/${codes.unit}`, { key }), 200);
  assert.equal(unit.code, codes.unit);
  const forged = key.slice(0, -1) + (key.endsWith('0') ? '1' : '0');
  await envelope(await call(`/api/v1/units/${codes.unit}`, { key: forged }), 401, /not known/);
  const revoked = await admin(`/admin/keys/${record.id}/revoke`, { method: 'POST' });
  assert.equal(revoked.status, 200);
  const after = await call(`/api/v1/units/${codes.unit}`, { key });
  await envelope(after, 401, /revoked/);
  assert.match(after.headers.get('www-authenticate'), /^Bearer/);

  // catalogue:read is required.
  const contactsOnly = await issue({ kind: 'api', owner: 'odd', scopes: ['catalogue:contacts'] });
  await envelope(await call(`/api/v1/units/${codes.unit}`, { key: contactsOnly.key }), 403, /catalogue:read/);
});

test('contacts follow the key: catalogue:contacts reads as signed-in, other keys as anonymous', async () => {
  const plain = await issue({ kind: 'api', owner: 'plain' });
  const withContacts = await issue({ kind: 'api', owner: 'crm', scopes: ['catalogue:read', 'catalogue:contacts'] });
  const a = await json(await call(`/api/v1/rtos/${codes.rto}`, { key: plain.key }), 200);
  assert.equal(a.tier, 'anonymous');
  assert.equal(a.contacts.length, 0);
  assert.ok(a.contacts_withheld >= 2);
  const b = await json(await call(`/api/v1/rtos/${codes.rto}`, { key: withContacts.key }), 200);
  assert.equal(b.tier, 'signed_in');
  assert.ok(b.contacts.length >= 1);
  assert.ok(b.contacts.every((c) => !c.first_name && !c.last_name), 'never a person through a key');
  assert.ok(b.contacts_withheld >= 1);
  assert.ok(b.scope && b.freshness, 'the documented RTO answer');
});

test('bad input is a 4xx envelope, never a 500', async () => {
  const { key } = await issue({ kind: 'api', owner: 'fuzzer', rate_limit_per_minute: 1000 });
  for (const [path, status] of [
    ['/api/v1/units/not-a-code!', 400],
    ['/api/v1/units/ZZZ99999', 404],
    ['/api/v1/rtos/ABC', 400],
    ['/api/v1/search?q=x&cursor=garbage', 400],
    ['/api/v1/search?q=x&per_page=0', 400],
    ['/api/v1/search?q=x&bogus=1', 400],
    [`/api/v1/search?q=${encodeURIComponent('NEAR( "x OR * AND ^ -- ; DROP TABLE rtos')}`, 200],
    [`/api/v1/search?q=${'z'.repeat(4000)}`, 400],
    ['/api/v1/verify', 400],
    ['/nowhere', 404],
  ]) {
    const res = await call(path, { key });
    assert.equal(res.status, status, path);
    if (status >= 400) await envelope(res, status);
    else await res.arrayBuffer();
  }
  const post = await call('/api/v1/search?q=x', { key, method: 'POST' });
  await envelope(post, 405);
  assert.match(post.headers.get('allow'), /GET/);
});

test("a key is held to its own rate limit (429 with Retry-After)", async () => {
  const { key } = await issue({ kind: 'api', owner: 'slow', rate_limit_per_minute: 3 });
  platform.setClock('2026-11-23T06:00:00Z');
  const statuses = [];
  for (let i = 0; i < 5; i++) {
    requests++;
    const res = await api.fetch(`${API}/api/v1/units/${codes.unit}`, { headers: { Authorization: `Bearer ${key}` } });
    statuses.push(res.status);
    if (res.status === 429) {
      assert.equal(res.headers.get('retry-after'), '60');
      await envelope(res, 429, /too many requests/);
    } else await res.arrayBuffer();
    platform.setClock(new Date(platform.now().getTime() + 2000));
  }
  assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
  assert.ok(statuses.slice(3).every((s) => s === 429), statuses.join());
});

test('every request is in api_access_log with surface api and its key', async () => {
  const rows = await ops.all("SELECT surface, endpoint, response_status, client_id FROM api_access_log WHERE surface = 'api'");
  assert.equal(rows.length, requests);
  assert.ok(rows.every((r) => r.client_id), 'every row names the key or the hashed address');
  assert.ok(rows.every((r) => !r.endpoint.includes('?')));
  const keyed = rows.filter((r) => /^[0-9a-f]{16}$/.test(r.client_id));
  assert.ok(keyed.length > 0 && keyed.length < rows.length, 'keys by id, keyless requests by address hash');
  assert.ok(rows.some((r) => r.response_status === 401) && rows.some((r) => r.response_status === 429));
});
