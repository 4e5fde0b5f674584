// The upstream fakes in one fetch handler, usable as Miniflare's `outboundService`:
//
//   const fakes = createFakes({ size: 'small', version: 1, credentials: { username, password } });
//   startPlatform({ outbound: fakes.fetch });
//   fakes.inject({ host: 'ws.training.gov.au', op: 'SearchByModifiedDate', kind: 'quotaFault', maxPageSize: 500 });
//   fakes.requests.filter((r) => r.op === 'GetDetails').length; // entries: { at, method, url, host, path, query,
//                                                                  // service, op, status ('aborted' if given up), fault }
//   fakes.setVersion(2); // same handler, next week's register (Miniflare keeps the function it was given)
//
// Routing is by host: ws.training.gov.au (and ws.sandbox.…) SOAP, training.gov.au /api REST,
// data.gov.au /data/api/3/action CKAN. A request may also name its upstream host in
// X-Forwarded-Host or as the first path segment (/data.gov.au/data/api/…), for the standalone server.
//
// Faults (inject): { host?, path? (prefix string or RegExp), op?, service? ('tga-soap'|'tga-rest'|'ckan'),
//   kind, times = Infinity, ratio = 1 (deterministic per rule) } with kind:
//   http500    HTTP 500 with an HTML error page
//   timeout    waits `delayMs` (default: the `timeoutMs` option, 100 ms) then answers 504; if the request's
//              signal aborts first the fetch rejects with an AbortError. `hang: true` waits for the abort,
//              capped at 10 s (then 504). Under Miniflare a worker's own abort does not reach this
//              function (the worker's fetch rejects at once; the fake's timer is unref'd and runs out).
//   malformed  HTTP 200 whose body is a proxy/WAF HTML page (neither a SOAP envelope nor JSON)
//   truncated  the real answer cut in half (status and headers kept)
//   soapFault  a WCF InternalServiceFault (SOAP only; other services get http500)
//   quotaFault the WCF "maximum message size quota" fault (SOAP only); with `maxPageSize` only requests
//              whose PageSize exceeds it fail (and only those count against `times`)
//   fewerRows  lists shrink by `fraction` (default 0.4): SOAP searches and scopes, REST scope, CKAN totals
import { createCorpus, iso } from './corpus.mjs';
import { rng } from './random.mjs';
import { createTgaSoap, faultResponse, soapOp } from './tga-soap.mjs';
import { createTgaRest, restOp } from './tga-rest.mjs';
import { createCkan, ckanOp } from './ckan.mjs';

export const DEFAULT_CREDENTIALS = { username: 'tga-fake-user', password: 'tga-fake-password' };
export const HOSTS = {
  'ws.training.gov.au': 'tga-soap', 'ws.sandbox.training.gov.au': 'tga-soap',
  'training.gov.au': 'tga-rest', 'www.training.gov.au': 'tga-rest',
  'data.gov.au': 'ckan', 'www.data.gov.au': 'ckan',
};
const KINDS = new Set(['http500', 'timeout', 'malformed', 'truncated', 'soapFault', 'quotaFault', 'fewerRows']);

// The same request at another URL (path-prefix routing), body buffered.
async function rebase(request, url) {
  const body = ['GET', 'HEAD'].includes(request.method) ? undefined : await request.arrayBuffer();
  return new Request(url, { method: request.method, headers: request.headers, body, signal: request.signal });
}
const WAF_PAGE = '<html><head><title>Request Rejected</title></head><body>The requested URL was rejected.<br>Please consult with your administrator.<br>Your support ID is: 1234567890</body></html>';

/**
 * createFakes({ size = 'small', version = 1, seed = 1, baseDate, credentials, now, timeoutMs = 100, soap: {…} })
 * → { fetch, inject, clear, requests, setVersion, corpus }.
 * `soap` options go to createTgaSoap (stateCodes, unitGridIsEssential, requireTimestamp, maxMessageBytes).
 */
export function createFakes({ size = 'small', version = 1, seed = 1, baseDate, credentials = DEFAULT_CREDENTIALS,
  now = () => Date.now(), timeoutMs = 100, soap = {} } = {}) {
  let corpus, handlers;
  const open = (v) => {
    corpus = createCorpus({ size, version: v, seed, ...(baseDate ? { baseDate } : {}) });
    handlers = {
      'tga-soap': createTgaSoap({ corpus, credentials, now: () => +now(), ...soap }),
      'tga-rest': createTgaRest({ corpus }),
      ckan: createCkan({ corpus }),
    };
  };
  open(version);
  let rules = [], nextId = 1;
  const requests = [];

  const route = (request) => {
    let url = new URL(request.url);
    let host = url.hostname;
    const forwarded = request.headers.get('x-forwarded-host');
    if (!HOSTS[host] && forwarded) host = forwarded.split(':')[0];
    if (!HOSTS[host]) {
      const [, first, ...rest] = url.pathname.split('/');
      if (HOSTS[first]) { host = first; url = new URL(`/${rest.join('/')}${url.search}`, url); }
    }
    const service = HOSTS[host] ?? null;
    const op = service === 'tga-soap' ? soapOp(request) : service === 'tga-rest' ? restOp(url.pathname) : service === 'ckan' ? ckanOp(url.pathname) : null;
    return { host, url, service, op };
  };

  const matches = (rule, r) => (rule.host == null || rule.host === r.host)
    && (rule.service == null || rule.service === r.service)
    && (rule.op == null || rule.op === r.op)
    && (rule.path == null || (rule.path instanceof RegExp ? rule.path.test(r.url.pathname) : r.url.pathname.startsWith(rule.path)));
  // A matching rule fires while it has `times` left, with probability `ratio` (seeded, so runs repeat).
  const fires = (rule) => {
    if (rule.left <= 0 || !(rule.draw() < rule.ratio)) return false;
    rule.left--;
    return true;
  };

  async function fetch(input, init) {
    // Miniflare calls outboundService(request, miniflare): anything request-like is used as is.
    const request = typeof input === 'object' && input !== null && 'url' in input && 'headers' in input ? input : new Request(input, init);
    const r = route(request);
    const entry = { at: iso(+now()), method: request.method, url: request.url, host: r.host, path: r.url.pathname, query: Object.fromEntries(r.url.searchParams),
      service: r.service, op: r.op, status: null, fault: null };
    requests.push(entry);
    const done = (res, fault = null) => { entry.status = res.status; entry.fault = fault; return res; };
    if (!r.service) return done(new Response(`fakes: no fake upstream for host "${r.host}"`, { status: 502 }));

    const ctx = {};
    let fault = null;
    for (const rule of rules) {
      if (!matches(rule, r)) continue;
      if (rule.kind === 'quotaFault' && rule.maxPageSize != null) continue; // decided once the page size is known
      if (rule.kind === 'fewerRows') { if (!ctx.fewer && fires(rule)) ctx.fewer = rule.fraction; continue; }
      if (fires(rule)) { fault = rule; break; }
    }
    ctx.quota = (pageSize) => {
      const hit = rules.find((rule) => rule.kind === 'quotaFault' && rule.maxPageSize != null && matches(rule, r) && pageSize > rule.maxPageSize && fires(rule));
      if (hit) entry.fault = 'quotaFault';
      return Boolean(hit);
    };
    const forward = async () => handlers[r.service].handle(r.url.href === request.url ? request : await rebase(request, r.url), ctx);
    let res;
    try {
      res = await (fault ? injectFault(fault, r, request, forward) : forward());
    } catch (e) {
      Object.assign(entry, { status: 'aborted', fault: fault?.kind ?? null }); // the caller gave up (timeout)
      throw e;
    }
    return done(res, fault?.kind ?? entry.fault ?? (ctx.fewer ? 'fewerRows' : null));
  }

  async function injectFault(rule, r, request, forward) {
    const soapish = r.service === 'tga-soap';
    switch (rule.kind) {
      case 'http500':
        return new Response('<html><head><title>500 - Internal server error.</title></head><body><h2>500 - Internal server error.</h2></body></html>', { status: 500, headers: { 'content-type': 'text/html' } });
      case 'timeout': {
        const ms = rule.hang ? 10_000 : rule.delayMs ?? timeoutMs;
        await new Promise((resolve, reject) => {
          const abort = () => { clearTimeout(timer); reject(new DOMException('The operation was aborted.', 'AbortError')); };
          const timer = setTimeout(resolve, ms);
          if (rule.hang) timer.unref?.(); // a hanging fake never keeps the test process alive
          if (request.signal?.aborted) abort(); else request.signal?.addEventListener?.('abort', abort, { once: true });
        });
        return new Response('<html><body><h1>504 Gateway Time-out</h1></body></html>', { status: 504, headers: { 'content-type': 'text/html' } });
      }
      case 'malformed': {
        const type = soapish ? 'text/xml; charset=utf-8' : 'application/json; charset=utf-8';
        return new Response(WAF_PAGE, { status: 200, headers: { 'content-type': type } });
      }
      case 'truncated': {
        const res = await forward(), text = await res.text();
        return new Response(text.slice(0, Math.floor(text.length / 2)), { status: res.status, headers: res.headers });
      }
      case 'soapFault':
        return soapish ? faultResponse('internal') : injectFault({ kind: 'http500' }, r, request, forward);
      case 'quotaFault':
        return soapish ? faultResponse('quota') : injectFault({ kind: 'http500' }, r, request, forward);
      default:
        throw new Error(`unknown fault kind ${rule.kind}`);
    }
  }

  return {
    fetch,
    requests,
    get corpus() { return corpus; },
    /** Adds a fault rule (see the header); returns its id. */
    inject(rule) {
      if (!KINDS.has(rule?.kind)) throw new Error(`inject: kind must be one of ${[...KINDS].join(', ')}`);
      const id = nextId++;
      const draw = rng(seed, 9001, id);
      rules.push({ times: Infinity, ratio: 1, fraction: 0.4, ...rule, id, left: rule.times ?? Infinity, draw });
      return id;
    },
    /** Removes every fault rule (or only rule `id`). */
    clear(id) { rules = id == null ? [] : rules.filter((r) => r.id !== id); },
    /** Replaces the corpus with another version in place (rules and the request log are kept). */
    setVersion(v) { open(v); },
    /** Requests matching { host?, service?, op?, path? } so far. */
    count(filter = {}) {
      return requests.filter((e) => Object.entries(filter).every(([k, v]) => (k === 'path' ? e.path.startsWith(v) : e[k] === v))).length;
    },
  };
}
