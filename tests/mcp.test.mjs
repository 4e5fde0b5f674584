// The MCP server under Miniflare, driven by the official SDK client
// (@modelcontextprotocol/sdk: Client + StreamableHTTPClientTransport, whose fetch is routed
// to the worker by its Host), over a corpus the syncs wrote against the upstream fakes:
// protocol negotiation, the seven tools with their schemas, every tool's structuredContent
// (validated by the SDK against the tool's outputSchema), bad arguments as isError, keys
// (missing, malformed, unknown, revoked, of another kind, without catalogue:read), tiers,
// CORS and Origin, SEC-02 (a key walking RTO codes in order through `lookup` is slowed,
// then refused 429), and every request in api_access_log with surface mcp.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, ListResourcesResultSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { startPlatform } from './harness/platform.mjs';
import { createFakes, DEFAULT_CREDENTIALS } from './fakes/index.mjs';
import { settled } from './harness/expect.mjs';

const TOKEN = 'test-trigger-token';
const ORIGIN = 'https://mcp.rtopacks.com.au';
const ENDPOINT = `${ORIGIN}/mcp`;
const METADATA = `${ORIGIN}/.well-known/oauth-protected-resource`;
const TOOLS = ['search', 'lookup', 'ladder', 'verify', 'supersession_chain', 'scope_impact', 'cricos_courses'];

let platform, fakes, corpus, ops, keys;
let requests = 0; // every request this file sends to the mcp worker
const codes = {};

/** ISO 8601, whole seconds, as the domain writes timestamps. */
const isoNow = () => platform.now().toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The one way to the worker: Miniflare routes by the URL's host, as production does. The
 * clock moves 1.5 s per request (a person-paced client, so SEC-02's timing and velocity
 * signals stay quiet unless a test means them), and the answer becomes a plain Response.
 */
async function mcpFetch(url, init = {}) {
  platform.setClock(new Date(platform.now().getTime() + 1500));
  requests++;
  const headers = Object.fromEntries(new Headers(init.headers ?? {}).entries());
  const res = await platform.fetch(String(url), {
    method: init.method ?? 'GET',
    headers: { 'cf-connecting-ip': '203.0.113.7', ...headers },
    body: init.body,
  });
  const bytes = await res.arrayBuffer();
  const nullBody = [101, 204, 205, 304].includes(res.status);
  return new Response(nullBody ? null : bytes, { status: res.status, statusText: res.statusText, headers: [...res.headers] });
}

/** A raw JSON-RPC POST (for what the SDK will not send). */
function post(message, { key, headers = {} } = {}) {
  return mcpFetch(ENDPOINT, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...headers,
    },
    body: JSON.stringify(message),
  });
}

/**
 * Issue an MCP key the way keys_kv does: a KeyRecord (rtopacks_domain::keys) in
 * MCP_API_KEYS under `key:<id>`, holding the lower-case hex SHA-256 of the whole key.
 */
async function issue({ owner = 'agent@example.com', scopes = ['catalogue:read'], rate = 1000 } = {}) {
  const id = randomBytes(8).toString('hex');
  const key = `rtp_mcp_${id}_${randomBytes(32).toString('hex')}`;
  const record = {
    id, owner, scopes, rate_limit_per_minute: rate, created_at: isoNow(), revoked_at: null,
    hash: createHash('sha256').update(key).digest('hex'),
  };
  const { hash, ...summary } = record;
  await keys.put(`key:${id}`, JSON.stringify(record), { metadata: { ...summary, kind: 'mcp' } });
  return { key, record };
}

async function revoke({ record }) {
  const revoked = { ...record, revoked_at: isoNow() };
  const { hash, ...summary } = revoked;
  await keys.put(`key:${record.id}`, JSON.stringify(revoked), { metadata: { ...summary, kind: 'mcp' } });
}

/** An SDK client connected with `key` (initialize + notifications/initialized). */
async function connect(key) {
  const transport = new StreamableHTTPClientTransport(new URL(ENDPOINT), {
    fetch: mcpFetch,
    requestInit: key ? { headers: { Authorization: `Bearer ${key}` } } : {},
  });
  const client = new Client({ name: 'rtopacks-mcp-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}


const leaksNothing = (text) => assert.doesNotMatch(text, /SQLITE|D1_|syntax error|no such (table|column)|panicked/i);
const text = (result) => result.content.filter((c) => c.type === 'text').map((c) => c.text).join('\n');

before(async () => {
  const start = '2026-11-21T16:00:00Z';
  fakes = createFakes({ size: 'small', baseDate: start, now: () => platform?.now() ?? new Date(start) });
  platform = await startPlatform({
    workers: ['tga-sync', 'enrich-sync', 'cricos-sync', 'mcp'],
    now: start,
    outbound: fakes.fetch,
    bindings: {
      'tga-sync': { TRIGGER_TOKEN: TOKEN, TGA_USERNAME: DEFAULT_CREDENTIALS.username, TGA_PASSWORD: DEFAULT_CREDENTIALS.password },
      'enrich-sync': { TRIGGER_TOKEN: TOKEN, ENRICH_CODES_PER_INVOCATION: '40' },
      'cricos-sync': { TRIGGER_TOKEN: TOKEN },
      mcp: {
        ANON_SALT: 'test-salt',
        // A short walk makes the point: amber after 5 lookups in order, red after 12.
        SEC02_SEQUENTIAL_AMBER_RUN: '5', SEC02_SEQUENTIAL_RED_RUN: '12', SEC02_AMBER_DELAY_MS: '250', SEC02_AMBER_MAX_DELAY_MS: '500',
      },
    },
  });
  corpus = platform.d1('rtopacks-db');
  ops = platform.d1('ops-db');
  keys = platform.kv('MCP_API_KEYS');

  await platform.scheduled('tga-sync', { cron: '0 16 * * SAT' });
  assert.equal((await settled(ops, 'tga_sync')).status, 'complete');
  await platform.scheduled('cricos-sync', { cron: '0 18 1 * *' });
  assert.equal((await settled(ops, 'cricos_sync')).status, 'complete');
  platform.setClock('2026-11-22T12:00:00Z');
  await platform.scheduled('enrich-sync', { cron: '0 12 * * SAT' });
  assert.equal((await settled(ops, 'enrich_sync')).status, 'complete');
  platform.setClock('2026-11-23T00:00:00Z');

  const one = async (sql) => Object.values((await corpus.first(sql)) ?? {})[0];
  codes.qualification = await one(`SELECT c.code FROM tga_training_components c
    WHERE c.component_type = 'Qualification' AND c.is_current = 1
      AND EXISTS (SELECT 1 FROM cricos_courses k WHERE k.vet_national_code = c.code) ORDER BY c.code LIMIT 1`);
  codes.superseded = await one("SELECT code FROM tga_training_components WHERE component_type = 'Qualification' AND usage_recommendation = 'Superseded' ORDER BY code LIMIT 1");
  codes.package = await one("SELECT code FROM tga_training_components WHERE component_type = 'TrainingPackage' ORDER BY code LIMIT 1");
  codes.rto = await one(`SELECT rto_code FROM rto_contacts GROUP BY rto_code
    HAVING sum(first_name IS NOT NULL OR last_name IS NOT NULL) > 0
       AND sum(first_name IS NULL AND last_name IS NULL) > 0
       AND rto_code IN (SELECT rto_code FROM rto_scope WHERE is_current = 1 AND is_implicit = 0) ORDER BY rto_code LIMIT 1`);
  for (const k of ['qualification', 'superseded', 'package', 'rto']) assert.ok(codes[k], `no ${k} in the corpus`);
});
after(() => platform?.dispose());

test('the SDK connects: protocol 2025-11-25 negotiated, server named, seven tools with input and output schemas', async () => {
  const { key } = await issue();
  const client = await connect(key);
  assert.deepEqual(client.getServerVersion()?.name, 'rtopacks-mcp');
  assert.deepEqual(client.getServerCapabilities()?.tools, { listChanged: false });
  assert.match(client.getInstructions() ?? '', /source.*freshness/s);
  await client.ping();

  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name), TOOLS);
  for (const t of tools) {
    assert.ok(t.description?.length > 20, `${t.name}: description`);
    assert.equal(t.inputSchema.type, 'object', `${t.name}: inputSchema`);
    assert.equal(t.inputSchema.additionalProperties, false, `${t.name}: closed inputSchema`);
    assert.equal(t.outputSchema?.type, 'object', `${t.name}: outputSchema`);
    assert.ok(t.outputSchema.required.includes('freshness'), `${t.name}: answers are dated`);
    assert.equal(t.annotations?.readOnlyHint, true);
  }
  await client.close();

  // The older revisions the official clients still send are accepted and echoed; an
  // unknown one is answered with the latest (the client then decides).
  for (const [asked, answered] of [['2025-06-18', '2025-06-18'], ['2025-03-26', '2025-03-26'], ['1999-01-01', '2025-11-25']]) {
    const res = await post({
      jsonrpc: '2.0', id: 1, method: 'initialize',
      params: { protocolVersion: asked, capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
    }, { key });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).result.protocolVersion, answered);
  }
  const legacy = await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, { key, headers: { 'mcp-protocol-version': '2025-03-26' } });
  assert.equal((await legacy.json()).result.tools.length, 7);

  // After initialize the client names its revision on every request; an unsupported one is a 400.
  const bad = await post({ jsonrpc: '2.0', id: 3, method: 'tools/list' }, { key, headers: { 'mcp-protocol-version': '2024-01-01' } });
  assert.equal(bad.status, 400);
});

test('every tool answers with structuredContent matching its outputSchema, sourced and dated', async () => {
  const { key } = await issue();
  const client = await connect(key);
  await client.listTools(); // the SDK validates structuredContent against these outputSchemas
  const calls = [
    ['search', { query: 'management', per_page: 5 }],
    ['search', { query: 'certificate', types: ['qualification'], status: 'current' }],
    ['lookup', { code: codes.qualification }],
    ['ladder', { training_package: codes.package }],
    ['verify', { code: codes.superseded }],
    ['verify', { code: codes.qualification, rto_code: codes.rto }],
    ['supersession_chain', { code: codes.superseded }],
    ['scope_impact', { code: codes.superseded }],
    ['cricos_courses', { code: codes.qualification }],
  ];
  const answers = {};
  for (const [name, args] of calls) {
    const result = await client.callTool({ name, arguments: args });
    const where = `${name} ${JSON.stringify(args)}: ${text(result).slice(0, 300)}`;
    assert.ok(!result.isError, where);
    const sc = result.structuredContent;
    assert.ok(sc && typeof sc === 'object', where);
    assert.ok(sc.freshness && 'synced_at' in sc.freshness, `${where}: freshness`);
    assert.match(JSON.stringify(sc), /training\.gov\.au|CRICOS/, `${where}: source`);
    assert.match(text(result), /synced \d{4}-\d\d-\d\dT/, `${where}: the text says how fresh`);
    answers[`${name}:${args.code ?? args.query ?? args.training_package}`] ??= sc;
  }
  assert.ok(answers['search:management'].results.length > 0);
  assert.equal(answers[`lookup:${codes.qualification}`].record, 'component');
  assert.ok(answers[`ladder:${codes.package}`].rungs.length > 0);
  assert.equal(answers[`verify:${codes.superseded}`].is_current, false);
  assert.ok(answers[`supersession_chain:${codes.superseded}`].superseded_by.length > 0);
  assert.equal(answers[`scope_impact:${codes.superseded}`].code, codes.superseded);
  assert.ok(answers[`cricos_courses:${codes.qualification}`].courses.total > 0, 'the qualification has CRICOS courses');
  await client.close();
});

test('bad arguments are isError results a model can correct from; an unknown tool is -32602', async () => {
  const { key } = await issue();
  const client = await connect(key);
  await client.listTools();
  const bad = [
    ['lookup', { code: 'not a code!' }, /code/i],
    ['lookup', { code: 'ZZZ99999' }, /ZZZ99999|no /i],
    ['lookup', {}, /`code` is missing/],
    ['lookup', { code: codes.qualification, colour: 'red' }, /`colour` is not an argument/],
    ['lookup', { code: 45329 }, /must be a string/],
    ['lookup', { code: codes.rto, cursor: 'not-a-cursor' }, /cursor/i],
    ['search', { query: '' }, /must not be empty/],
    ['search', { query: 'x'.repeat(5000) }, /too long/],
    ['search', { query: '"management" OR NEAR( * ^ AND' }, null],
    ['search', { query: "'; DROP TABLE rtos; --" }, null],
    ['search', { query: 'management', types: ['widget'] }, /must be one of/],
    ['search', { query: 'management', per_page: 0 }, /whole number/],
    ['ladder', { training_package: 'ZZZ' }, null],
    ['verify', { code: codes.qualification, rto_code: 'abc' }, /rto/i],
  ];
  for (const [name, args, pattern] of bad) {
    const result = await client.callTool({ name, arguments: args });
    const said = text(result);
    leaksNothing(said);
    if (pattern === null) {
      // Injection-shaped text is either searched safely or refused in words, never a failure.
      assert.ok(!result.isError || !/could not be read/.test(said), `${name} ${JSON.stringify(args)}: ${said}`);
      continue;
    }
    assert.equal(result.isError, true, `${name} ${JSON.stringify(args).slice(0, 80)}: ${said.slice(0, 200)}`);
    assert.equal(result.structuredContent, undefined);
    assert.match(said, pattern);
  }
  await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }),
    (e) => e instanceof McpError && e.code === ErrorCode.InvalidParams);
  await assert.rejects(client.request({ method: 'resources/list', params: {} }, ListResourcesResultSchema),
    (e) => e instanceof McpError && e.code === ErrorCode.MethodNotFound);
  await client.close();

  // Below the SDK: a body that is not JSON, a batch.
  const notJson = await mcpFetch(ENDPOINT, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${key}` }, body: '{"jsonrpc":' });
  assert.equal(notJson.status, 400);
  assert.equal((await notJson.json()).error.code, -32700);
  const batch = await post([{ jsonrpc: '2.0', id: 1, method: 'ping' }], { key });
  assert.equal(batch.status, 400);
  assert.equal((await batch.json()).error.code, -32600);
});

test('a missing, malformed, unknown or revoked key is a 401 pointing at the resource metadata', async () => {
  const challenge = new RegExp(`^Bearer resource_metadata="${METADATA.replace(/[./]/g, '\\$&')}"`);
  const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } };

  const missing = await post(init);
  assert.equal(missing.status, 401);
  assert.match(missing.headers.get('www-authenticate'), challenge);
  assert.doesNotMatch(missing.headers.get('www-authenticate'), /invalid_token/);
  assert.match((await missing.json()).error.message, /Authorization: Bearer/);

  const real = (await issue()).key;
  const forged = real.slice(0, -1) + (real.endsWith('0') ? '1' : '0'); // right id, wrong secret
  const apiKey = `rtp_live_${'1'.repeat(16)}_${'2'.repeat(64)}`;
  for (const key of ['not-a-key', `rtp_mcp_${'0'.repeat(16)}_${'0'.repeat(64)}`, forged, apiKey]) {
    const res = await post(init, { key });
    assert.equal(res.status, 401, key);
    assert.match(res.headers.get('www-authenticate'), challenge);
    assert.match(res.headers.get('www-authenticate'), /error="invalid_token"/);
    const body = await res.json();
    assert.equal(body.jsonrpc, '2.0');
    assert.match(body.error.message, /not valid/);
  }

  // The metadata is served without a key (also at the path-suffixed address).
  for (const url of [METADATA, `${METADATA}/mcp`]) {
    const res = await mcpFetch(url);
    assert.equal(res.status, 200, url);
    assert.deepEqual(await res.json(), { resource: ENDPOINT, bearer_methods_supported: ['header'], resource_name: 'RTOpacks MCP server' });
  }

  // The SDK client without a key, and with a key revoked between two calls.
  await assert.rejects(connect(undefined), (e) => e instanceof StreamableHTTPError && e.code === 401);
  const issued = await issue();
  const client = await connect(issued.key);
  assert.equal((await client.callTool({ name: 'verify', arguments: { code: codes.qualification } })).isError, false);
  await revoke(issued);
  await assert.rejects(client.callTool({ name: 'verify', arguments: { code: codes.qualification } }),
    (e) => e instanceof StreamableHTTPError && e.code === 401);
  const res = await post({ jsonrpc: '2.0', id: 3, method: 'ping' }, { key: issued.key });
  assert.equal(res.status, 401);
  assert.match(res.headers.get('www-authenticate'), /error="invalid_token"/);
  await client.close();

  // A known key without catalogue:read is a 403 naming the scope.
  const contactsOnly = await issue({ scopes: ['catalogue:contacts'] });
  const scoped = await post(init, { key: contactsOnly.key });
  assert.equal(scoped.status, 403);
  assert.match(scoped.headers.get('www-authenticate'), /insufficient_scope/);
  assert.match((await scoped.json()).error.message, /catalogue:read/);
});

test('lookup of an RTO code: contacts follow the key (catalogue:contacts reads as signed-in, others as anonymous)', async () => {
  const plain = await connect((await issue()).key);
  const crm = await connect((await issue({ scopes: ['catalogue:read', 'catalogue:contacts'] })).key);
  await plain.listTools();
  await crm.listTools();
  const rto = async (client) => {
    const result = await client.callTool({ name: 'lookup', arguments: { code: codes.rto, per_page: 5 } });
    assert.ok(!result.isError, text(result));
    const sc = result.structuredContent;
    assert.equal(sc.record, 'rto');
    assert.equal(sc.component, null);
    assert.equal(sc.rto.code, codes.rto);
    assert.ok(sc.rto.scope.items.length > 0 && sc.rto.scope.items.length <= 5, JSON.stringify(sc.rto.scope).slice(0, 300));
    assert.ok(sc.rto.scope.total >= sc.rto.scope.items.length);
    assert.ok(sc.rto.freshness.synced_at);
    return sc.rto;
  };
  const a = await rto(plain);
  const b = await rto(crm);
  assert.equal(a.tier, 'anonymous');
  assert.equal(a.contacts.length, 0);
  assert.ok(a.contacts_withheld >= 2);
  assert.equal(b.tier, 'signed_in');
  assert.ok(b.contacts.length >= 1);
  assert.ok(b.contacts.every((c) => !c.first_name && !c.last_name), 'never a person through a key');
  await plain.close();
  await crm.close();
});

test('transport: preflight before the key, browser origins checked, one endpoint, POST only', async () => {
  const preflight = await mcpFetch(ENDPOINT, {
    method: 'OPTIONS',
    headers: { origin: 'https://my.rtopacks.com.au', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://my.rtopacks.com.au');
  assert.match(preflight.headers.get('access-control-allow-headers'), /Authorization/);

  const foreign = await post({ jsonrpc: '2.0', id: 1, method: 'ping' }, { headers: { origin: 'https://evil.example' } });
  assert.equal(foreign.status, 403, 'a foreign page is refused before any key is asked for');
  const { key } = await issue();
  const allowed = await post({ jsonrpc: '2.0', id: 1, method: 'ping' }, { key, headers: { origin: 'https://rtopacks.com.au' } });
  assert.equal(allowed.status, 200);
  assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://rtopacks.com.au');
  const keyless = await post({ jsonrpc: '2.0', id: 1, method: 'ping' }, { headers: { origin: 'https://rtopacks.com.au' } });
  assert.equal(keyless.status, 401);
  assert.match(keyless.headers.get('access-control-expose-headers'), /WWW-Authenticate/);

  const get = await mcpFetch(ENDPOINT, { headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' } });
  assert.equal(get.status, 405);
  assert.equal(get.headers.get('allow'), 'POST');
  const elsewhere = await mcpFetch(`${ORIGIN}/sse`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(elsewhere.status, 404);
  assert.match((await elsewhere.json()).error.message, /\/mcp/);
  const huge = await post({ jsonrpc: '2.0', id: 4, method: 'ping', params: { pad: 'x'.repeat(70_000) } }, { key });
  assert.equal(huge.status, 413);
  const notification = await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, { key });
  assert.equal(notification.status, 202);
  assert.equal(await notification.text(), '');
});

test('SEC-02: a key walking RTO codes in order through lookup is slowed, then refused 429', async () => {
  const walker = await issue({ owner: 'scraper@example.com' });
  const client = await connect(walker.key);
  const rtos = (await corpus.all('SELECT rto_code FROM rtos ORDER BY CAST(rto_code AS INTEGER) LIMIT 20')).map((r) => r.rto_code);
  const seen = [];
  for (const code of rtos) {
    const t0 = Date.now();
    try {
      const result = await client.callTool({ name: 'lookup', arguments: { code } });
      seen.push({ code, status: 200, ms: Date.now() - t0, isError: result.isError });
    } catch (e) {
      assert.ok(e instanceof StreamableHTTPError, String(e));
      seen.push({ code, status: e.code, ms: Date.now() - t0, message: e.message });
      break;
    }
  }
  const ok = seen.filter((s) => s.status === 200);
  assert.equal(seen.at(-1).status, 429, JSON.stringify(seen));
  assert.match(seen.at(-1).message, /too many requests/i);
  assert.equal(ok.length, 11, 'the twelfth lookup in order is red');
  // Green first, then amber: answered, but after the injected delay (a lower bound only,
  // so a loaded machine cannot make it flaky). What each lookup answers is the RTO lookup
  // test's business.
  assert.ok(ok.slice(5).every((s) => s.ms >= 240), `amber delays: ${ok.map((s) => s.ms)}`);

  // Blocked: the next request, whatever it is, is 429 with Retry-After.
  const blocked = await post({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'search', arguments: { query: 'management' } } }, { key: walker.key });
  assert.equal(blocked.status, 429);
  assert.equal(blocked.headers.get('retry-after'), '60');
  assert.equal((await blocked.json()).jsonrpc, '2.0');
  await client.close();

  const client_key = `k:${walker.record.id}`;
  const anomalies = await ops.all('SELECT zone, trigger_reason, action FROM anomaly_log WHERE session_id = ?1 ORDER BY id', client_key);
  assert.deepEqual(anomalies.map((a) => a.zone), ['amber', 'red']);
  assert.ok(anomalies.every((a) => a.trigger_reason === 'sequential'));
  const mail = (await platform.outbox()).filter((m) => m.subject.startsWith('[SEC-02 RED]'));
  assert.deepEqual(mail.map((m) => m.subject), [`[SEC-02 RED] Client blocked — ${client_key}`]);
  assert.match(mail[0].text, /Surface: +mcp/);
  const log = await ops.all("SELECT endpoint, response_status FROM api_access_log WHERE client_id = ?1 AND endpoint LIKE '/mcp/tools/lookup/%' ORDER BY id", walker.record.id);
  assert.deepEqual(log.map((r) => r.endpoint), seen.map((s) => `/mcp/tools/lookup/${s.code}`));
  assert.deepEqual(log.map((r) => r.response_status), seen.map((s) => s.status));
});

test('a key is held to its own rate limit (429 with Retry-After)', async () => {
  const { key } = await issue({ owner: 'slow', rate: 3 });
  const statuses = [];
  for (let i = 0; i < 5; i++) {
    const res = await post({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'search', arguments: { query: 'management' } } }, { key });
    statuses.push(res.status);
    const body = await res.json();
    if (res.status === 429) {
      assert.equal(res.headers.get('retry-after'), '60');
      assert.match(body.error.message, /too many requests for this key/i);
    }
  }
  assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
  assert.ok(statuses.slice(3).every((s) => s === 429), statuses.join());
});

test('every request is in api_access_log with surface mcp, named by its tool and code', async () => {
  const rows = await ops.all('SELECT surface, endpoint, method, response_status, client_id, latency_ms FROM api_access_log ORDER BY id');
  assert.equal(rows.length, requests);
  assert.ok(rows.every((r) => r.surface === 'mcp'));
  assert.ok(rows.every((r) => r.client_id), 'every row names its client (a key id, or a hashed address)');
  assert.ok(rows.every((r) => r.latency_ms >= 0));
  const endpoints = new Set(rows.map((r) => r.endpoint));
  for (const e of ['/mcp/initialize', '/mcp/notifications/initialized', '/mcp/tools/list', '/mcp/ping', '/mcp/tools/search',
    `/mcp/tools/lookup/${codes.rto}`, `/mcp/tools/cricos_courses/${codes.qualification}`, '/.well-known/oauth-protected-resource']) {
    assert.ok(endpoints.has(e), `${e} not logged: ${[...endpoints].slice(0, 40)}`);
  }
  for (const status of [200, 202, 204, 400, 401, 403, 404, 405, 413, 429]) {
    assert.ok(rows.some((r) => r.response_status === status), `no ${status} logged`);
  }
  assert.ok(rows.every((r) => !/DROP TABLE/.test(r.endpoint)), 'search text stays out of the log');
});
