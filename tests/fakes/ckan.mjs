// data.gov.au CKAN fake for the CRICOS dataset: datastore_search (paged records keyed by the exact
// column headers, all values text), resource_show (last_modified moves only when a resource
// changed between corpus versions) and package_show. Envelope: { help, success, result | error }.
import { DATASET_ID } from './cricos.mjs';

const BASE = '/data/api/3/action';
const ROWS_MAX = 32_000; // CKAN's ckan.datastore.search.rows_max default: larger limits are clamped
const help = (action) => `https://data.gov.au/data/api/3/action/help_show?name=${action}`;
const reply = (action, status, body) => new Response(JSON.stringify({ help: help(action), ...body }), {
  status, headers: { 'content-type': 'application/json;charset=utf-8' },
});
const notFound = (action, what) => reply(action, 404, { success: false, error: { message: `Not found: ${what}`, __type: 'Not Found Error' } });
const invalid = (action, field, msg) => reply(action, 409, { success: false, error: { [field]: [msg], __type: 'Validation Error' } });

export function ckanOp(path) {
  return path.startsWith(`${BASE}/`) ? path.slice(BASE.length + 1) : null;
}

export function createCkan({ corpus }) {
  const cricos = corpus.cricos;
  const resourceOf = (id) => Object.entries(cricos.resources).find(([, r]) => r.id === id);

  function resource(key, position) {
    const r = cricos.resources[key], lm = cricos.lastModified(key);
    return {
      id: r.id, package_id: DATASET_ID, name: r.name, description: `CRICOS ${r.name}`, format: 'CSV', mimetype: 'text/csv',
      url: `https://data.gov.au/data/dataset/${DATASET_ID}/resource/${r.id}/download/cricos-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.csv`,
      url_type: 'upload', state: 'active', datastore_active: true, position, created: '2019-05-29T01:12:40.384921',
      last_modified: lm, metadata_modified: lm, size: null,
    };
  }

  async function params(request, url) {
    const p = Object.fromEntries(url.searchParams);
    if (request.method === 'POST') {
      try { Object.assign(p, JSON.parse((await request.text()) || '{}')); } catch { return null; }
    }
    return p;
  }

  async function handle(request, ctx = {}) {
    const url = new URL(request.url);
    const action = ckanOp(url.pathname);
    if (!action) return new Response('Not Found', { status: 404 });
    const p = await params(request, url);
    if (!p) return reply(action, 400, { success: false, error: { message: 'Bad request - JSON Error', __type: 'Bad Request' } });

    if (action === 'resource_show') {
      const hit = resourceOf(p.id);
      if (!hit) return notFound(action, 'Resource was not found.');
      return reply(action, 200, { success: true, result: resource(hit[0], Object.keys(cricos.resources).indexOf(hit[0])) });
    }
    if (action === 'package_show') {
      if (p.id !== DATASET_ID && p.id !== 'cricos') return notFound(action, 'Dataset was not found.');
      return reply(action, 200, { success: true, result: { id: DATASET_ID, name: 'cricos', title: 'CRICOS', state: 'active',
        resources: Object.keys(cricos.resources).map((k, i) => resource(k, i)) } });
    }
    if (action !== 'datastore_search') return reply(action, 400, { success: false, error: { message: `Bad request - Action name not known: ${action}`, __type: 'Bad Request' } });

    if (!p.resource_id) return invalid(action, 'resource_id', 'Missing value');
    const hit = resourceOf(p.resource_id);
    if (!hit) return notFound(action, `Resource "${p.resource_id}" was not found.`);
    const int = (v, dflt) => (v == null || v === '' ? dflt : /^\d+$/.test(String(v)) ? Number(v) : NaN);
    let limit = int(p.limit, 100);
    const offset = int(p.offset, 0);
    if (Number.isNaN(limit)) return invalid(action, 'limit', 'Invalid integer');
    if (Number.isNaN(offset)) return invalid(action, 'offset', 'Invalid integer');
    limit = Math.min(limit, ROWS_MAX);
    const [key] = hit;
    let total = cricos.total(key);
    if (ctx.fewer) total = Math.ceil(total * (1 - ctx.fewer)); // a partial upload: the tail of the resource is missing
    const records = cricos.rows(key, offset, Math.max(0, Math.min(limit, total - offset))).map((r, k) => ({ _id: offset + k + 1, ...r }));
    const link = `${BASE}/datastore_search?resource_id=${p.resource_id}&limit=${limit}`;
    return reply(action, 200, {
      success: true,
      result: {
        include_total: true, resource_id: p.resource_id, records_format: 'objects',
        fields: [{ id: '_id', type: 'int' }, ...cricos.columns[key].map((id) => ({ id, type: 'text' }))],
        records, limit, offset, total, total_was_estimated: false,
        _links: { start: link, next: `${link}&offset=${offset + limit}` },
      },
    });
  }

  return { handle };
}
