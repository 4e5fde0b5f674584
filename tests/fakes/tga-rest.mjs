// training.gov.au public REST API fake (https://training.gov.au/api/…, api-version=1.0, no auth):
// an organisation, its contacts, its scope (paged: { value, count }) and its CRICOS provider codes.
// Shapes follow the third-party description in the upstream README; fields it does not name are
// marked (I) there and in the report.
import { isoDate, iso } from './corpus.mjs';
import { dropShare } from './random.mjs';

const json = (body, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
const problem = (status, title) => new Response(JSON.stringify({ type: `https://tools.ietf.org/html/rfc7231#section-6.5.${status === 404 ? 4 : 1}`, title, status }),
  { status, headers: { 'content-type': 'application/problem+json; charset=utf-8' } });
const d = (ms) => (ms == null ? null : isoDate(ms));
const TYPE = { Qualification: 'qualification', Unit: 'unit', SkillSet: 'skillSet', TrainingPackage: 'trainingPackage', AccreditedCourse: 'accreditedCourse' };
const ROLE = { CEO: 'Chief Executive', PublicEnquiries: 'Public Enquiries', RegistrationEnquiries: 'Registration Enquiries' };
const addr = (a) => a && { line1: a.line1, line2: a.line2, suburb: a.suburb, state: a.state, postcode: a.postcode, country: a.country };

/** The REST route name of a path (organisation | contacts | scope | cricos), for logs and fault rules. */
export function restOp(path) {
  const m = /^\/api\/organisation\/[^/]+(?:\/(contacts|scope|cricos))?\/?$/.exec(path);
  return m ? m[1] ?? 'organisation' : null;
}

export function createTgaRest({ corpus }) {
  function organisation(o, all) {
    const status = { id: o.active ? 1 : 2, isCurrent: o.active, name: o.active ? 'Current' : 'Not current' };
    const base = { code: o.code, name: o.legalName, isRto: o.isRto, status, updatedDate: iso(o.updated) };
    if (!all) return base;
    return {
      ...base,
      legalNames: [{ name: o.legalName, abns: o.abn ? [o.abn] : [], acn: o.acn, startDate: d(o.created), endDate: null }],
      tradingNames: o.tradingNames.map((t) => ({ name: t.name, startDate: d(t.start), endDate: d(t.end) })),
      webAddresses: o.urls.map((u) => ({ webAddress: u.link, startDate: d(u.start), endDate: d(u.end) })),
      registrations: o.registrationPeriods.map((p) => ({ startDate: d(p.start), endDate: d(p.end), endReason: p.endReasonCode, registrationManager: p.exerciser })),
      classifications: [],
      addresses: [
        { addressType: 'headOffice', address: addr(o.locations[0].address) },
        { addressType: 'postal', address: addr(o.postalAddress) },
        ...o.locations.slice(1).map((l) => ({ addressType: 'deliveryLocation', address: addr(l.address) })),
      ],
      restrictions: o.restrictions.map((r) => ({ code: r.code, restriction: r.text, startDate: d(r.start), endDate: d(r.end) })),
      cricosProviderCodes: o.cricosProviderCodes,
      createdDate: iso(o.created),
    };
  }

  // filters=componentType==qualification (one clause). Several clauses answer HTTP 500, like the real API's
  // known failing filter combinations: clients must retry or filter locally.
  function parseFilters(s) {
    if (!s) return [];
    const clauses = s.split(',').map((c) => c.trim()).filter(Boolean).map((c) => c.split('=='));
    if (clauses.length > 1) return 'fail';
    const [[field, value]] = clauses;
    if (!['componentType', 'isImplicit', 'status'].includes(field) || value == null) return 'bad';
    return [[field, value]];
  }

  function scopeRow(s) {
    const at = corpus.componentIndex(s.code);
    return {
      code: s.code, title: at ? corpus.componentTitle(at.kind, at.g) : null, componentType: TYPE[s.type] ?? s.type,
      extent: s.extent === '02' ? 'Assess only' : 'Deliver and assess', isImplicit: s.isImplicit,
      status: s.end == null || s.end > corpus.asOf() ? 'current' : 'notCurrent', startDate: d(s.start), endDate: d(s.end),
    };
  }

  async function handle(request, ctx = {}) {
    const url = new URL(request.url);
    if (request.method !== 'GET') return problem(405, 'Method Not Allowed');
    const op = restOp(url.pathname);
    if (!op) return problem(404, 'Not Found');
    if (url.searchParams.get('api-version') == null) {
      return json({ error: { code: 'ApiVersionUnspecified', message: 'An API version is required, but was not specified.' } }, 400);
    }
    const code = decodeURIComponent(url.pathname.split('/')[3]);
    const o = corpus.organisation(code);
    if (!o) return problem(404, 'Not Found');
    if (op === 'organisation') return json(organisation(o, url.searchParams.get('include') === 'all'));
    if (op === 'cricos') return json({ value: o.cricosProviderCodes.map((c) => ({ cricosProviderCode: c })), count: o.cricosProviderCodes.length });
    if (op === 'contacts') {
      const value = o.contacts.map((c) => ({
        contactType: ROLE[c.roleCode] ?? c.roleCode, title: c.title, firstName: c.firstName, lastName: c.lastName, jobTitle: c.jobTitle,
        organisationName: c.organisationName, email: c.email, phone: c.phone, mobile: c.mobile, fax: c.fax, address: addr(c.postalAddress),
      }));
      return json({ value, count: value.length });
    }
    // scope
    const filters = parseFilters(url.searchParams.get('filters'));
    if (filters === 'fail') return new Response('An error occurred while processing your request.', { status: 500, headers: { 'content-type': 'text/plain' } });
    if (filters === 'bad') return problem(400, 'Bad Request');
    const offset = Math.max(0, Number.parseInt(url.searchParams.get('offset') ?? '0', 10) || 0);
    const pageSize = Math.min(1000, Math.max(1, Number.parseInt(url.searchParams.get('pageSize') ?? '100', 10) || 100));
    let rows = corpus.scope(o.code) ?? [];
    if (ctx.fewer) rows = rows.filter((s) => dropShare(s.code) >= ctx.fewer);
    for (const [field, value] of filters) {
      if (field === 'componentType') rows = rows.filter((s) => (TYPE[s.type] ?? s.type).toLowerCase() === value.toLowerCase());
      if (field === 'isImplicit') rows = rows.filter((s) => String(s.isImplicit) === value);
      if (field === 'status') rows = rows.filter((s) => scopeRow(s).status === value);
    }
    return json({ value: rows.slice(offset, offset + pageSize).map(scopeRow), count: rows.length });
  }

  return { handle };
}
