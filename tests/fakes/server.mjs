#!/usr/bin/env node
// The upstream fakes as a standalone HTTP server for the local dev stack:
//
//   node tests/fakes/server.mjs --port 8790 --size small [--version 1] [--seed 1] [--host 127.0.0.1]
//
// The upstream is chosen by the Host header (ws.training.gov.au, training.gov.au, data.gov.au),
// X-Forwarded-Host, or a first path segment: curl http://127.0.0.1:8790/data.gov.au/data/api/3/action/resource_show?id=…
// Control endpoints: POST /__fakes/inject (JSON rule; `path` is a prefix string), POST /__fakes/clear,
// POST /__fakes/version {"version":2}, GET /__fakes/requests, GET /__fakes/counts.
// Credentials for the SOAP services: TGA_FAKE_USERNAME / TGA_FAKE_PASSWORD (defaults in index.mjs).
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { createFakes, DEFAULT_CREDENTIALS } from './index.mjs';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '8790' }, host: { type: 'string', default: '127.0.0.1' },
    size: { type: 'string', default: 'small' }, version: { type: 'string', default: '1' }, seed: { type: 'string', default: '1' },
  },
});
const fakes = createFakes({
  size: args.size, version: Number(args.version), seed: Number(args.seed),
  credentials: { username: process.env.TGA_FAKE_USERNAME ?? DEFAULT_CREDENTIALS.username, password: process.env.TGA_FAKE_PASSWORD ?? DEFAULT_CREDENTIALS.password },
});

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks);
}
const sendJson = (res, status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };

async function control(req, res, path) {
  const body = req.method === 'POST' ? JSON.parse((await readBody(req)).toString() || '{}') : {};
  if (path === '/__fakes/inject' && req.method === 'POST') return sendJson(res, 200, { id: fakes.inject(body) });
  if (path === '/__fakes/clear' && req.method === 'POST') { fakes.clear(body.id); return sendJson(res, 200, { ok: true }); }
  if (path === '/__fakes/version' && req.method === 'POST') { fakes.setVersion(Number(body.version)); return sendJson(res, 200, { version: fakes.corpus.version }); }
  if (path === '/__fakes/requests') return sendJson(res, 200, fakes.requests);
  if (path === '/__fakes/counts') return sendJson(res, 200, { size: args.size, version: fakes.corpus.version, ...fakes.corpus.counts() });
  return sendJson(res, 404, { error: `unknown control endpoint ${path}` });
}

const server = createServer(async (req, res) => {
  try {
    const path = req.url.split('?')[0];
    if (path.startsWith('/__fakes/')) return await control(req, res, path);
    const body = ['GET', 'HEAD'].includes(req.method) ? undefined : await readBody(req);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (v != null) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    const request = new Request(`http://${req.headers.host ?? `${args.host}:${args.port}`}${req.url}`, { method: req.method, headers, body });
    const answer = await fakes.fetch(request);
    res.writeHead(answer.status, Object.fromEntries(answer.headers));
    res.end(Buffer.from(await answer.arrayBuffer()));
  } catch (e) {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`fakes: ${e.message}`);
  }
});
server.listen(Number(args.port), args.host, () => {
  const c = fakes.corpus.counts();
  console.log(`upstream fakes on http://${args.host}:${args.port} (size ${args.size}, version ${fakes.corpus.version}: `
    + `${c.organisations} organisations, ${c.components} components, ${c.cricos.courses} CRICOS courses)`);
});
