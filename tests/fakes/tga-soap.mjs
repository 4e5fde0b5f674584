// training.gov.au SOAP 1.1 fake: TrainingComponentService and OrganisationService, answering
// envelopes shaped exactly as the published WSDL/XSD (tga-wsdl/): element names and order,
// the services namespace as default namespace, DateTimeOffset in the System namespace, xsi:nil
// for null nillable elements and omission for EmitDefaultValue=false ones (as WCF does).
import { parseXml, kid, attr, esc } from './xml.mjs';
import { isoDate, iso } from './corpus.mjs';
import { dropShare } from './random.mjs';

export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  tga: 'http://training.gov.au/services/',
  system: 'http://schemas.datacontract.org/2004/07/System',
  arrays: 'http://schemas.microsoft.com/2003/10/Serialization/Arrays',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  dispatcher: 'http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher',
  addressingNone: 'http://schemas.microsoft.com/ws/2005/05/addressing/none',
};
const PASSWORD_TEXT = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText';
export const SOAP_PATHS = {
  '/Deewr.Tga.WebServices/TrainingComponentService.svc/Training': 'TrainingComponent',
  '/Deewr.Tga.WebServices/OrganisationService.svc/Organisation': 'Organisation',
};
const OPS = {
  TrainingComponent: ['SearchByModifiedDate', 'SearchDeletedByDeletedDate', 'GetDetails', 'GetServerTime', 'Search', 'GetLookup'],
  Organisation: ['SearchByModifiedDate', 'SearchDeletedByDeletedDate', 'GetDetails', 'GetServerTime', 'Search', 'SearchByScope', 'GetLookup'],
};
const IMPLEMENTED = new Set(['SearchByModifiedDate', 'SearchDeletedByDeletedDate', 'GetDetails', 'GetServerTime']);

/** The service and namespace of a SOAP path (…Service.svc/… or the versioned …ServiceV12.svc/…), or null. */
export function soapService(path) {
  const m = /^\/Deewr\.Tga\.WebServices\/(TrainingComponent|Organisation)Service(?:V(\d+))?\.svc\/(Training|Organisation)$/.exec(path);
  if (!m || (m[1] === 'TrainingComponent') !== (m[3] === 'Training')) return null;
  return { service: m[1], ns: m[2] ? `${NS.tga}${m[2]}/` : NS.tga, version: m[2] ? Number(m[2]) : null };
}

/** The operation a SOAPAction header names, e.g. "http://training.gov.au/services/ITrainingComponentService/GetDetails" → GetDetails. */
export function soapOp(request) {
  const action = (request.headers.get('soapaction') ?? '').trim().replace(/^"|"$/g, '');
  return /\/I(?:TrainingComponent|Organisation)Service\/(\w+)$/.exec(action)?.[1] ?? null;
}

// ---------------------------------------------------------------- serialisation helpers
// WCF writes a DateTimeOffset as its UTC instant plus the original offset (Canberra time here).
function offsetMinutes(ms) {
  const y = new Date(ms).getUTCFullYear();
  const firstSunday = (month) => { const d = new Date(Date.UTC(y, month, 1)); return Date.UTC(y, month, 1 + ((7 - d.getUTCDay()) % 7)) - 8 * 3_600_000; };
  return ms >= firstSunday(3) && ms < firstSunday(9) ? 600 : 660;
}
const wcfUtc = (ms) => iso(ms).replace(/\.000Z$/, 'Z').replace(/(\.\d*?)0+Z$/, '$1Z');
const x = {
  nil: (n) => `<${n} i:nil="true"/>`,
  str: (n, v) => (v == null ? `<${n} i:nil="true"/>` : `<${n}>${esc(v)}</${n}>`), // nillable, always emitted
  opt: (n, v) => (v == null ? '' : `<${n}>${esc(v)}</${n}>`), // EmitDefaultValue=false: omitted when null
  bool: (n, v) => `<${n}>${v ? 'true' : 'false'}</${n}>`,
  date: (n, ms) => (ms == null ? '' : `<${n}>${isoDate(ms)}</${n}>`),
  dto: (n, ms) => `<${n} xmlns:a="${NS.system}"><a:DateTime>${wcfUtc(ms)}</a:DateTime><a:OffsetMinutes>${offsetMinutes(ms)}</a:OffsetMinutes></${n}>`,
  list: (n, arr, f) => (arr == null ? '' : arr.length ? `<${n}>${arr.map(f).join('')}</${n}>` : `<${n}/>`),
};
const dtoBase = (o) => x.date('EndDate', o.end) + x.date('StartDate', o.start); // AbstractDto (ActionOnEntity=None is omitted)

export function envelope(body, now) {
  return `<s:Envelope xmlns:s="${NS.soap}" xmlns:u="${NS.wsu}"><s:Header><o:Security s:mustUnderstand="1" xmlns:o="${NS.wsse}">`
    + `<u:Timestamp u:Id="_0"><u:Created>${iso(now)}</u:Created><u:Expires>${iso(now + 300_000)}</u:Expires></u:Timestamp></o:Security></s:Header>`
    + `<s:Body>${body}</s:Body></s:Envelope>`;
}

const FAULTS = {
  security: ['a:InvalidSecurity', NS.wsse, 'An error occurred when verifying security for the message.'],
  internal: ['a:InternalServiceFault', NS.dispatcher, 'The server was unable to process the request due to an internal error.  For more information about the error, either turn on IncludeExceptionDetailInFaults (either from ServiceBehaviorAttribute or from the <serviceDebug> configuration behavior) on the server in order to send the exception information back to the client, or turn on tracing as per the Microsoft .NET Framework SDK documentation and inspect the server trace logs.'],
  quota: ['s:Server', null, 'The maximum message size quota for incoming messages (65536) has been exceeded. To increase the quota, use the MaxReceivedMessageSize property on the appropriate binding element.'],
  version: ['s:VersionMismatch', null, 'Wrong SOAP version: the envelope must be SOAP 1.1 (http://schemas.xmlsoap.org/soap/envelope/).'],
};

/** A SOAP 1.1 fault response (HTTP 500), WCF-style. `kind`: security | internal | quota | version | action | deserialization | validation. */
export function faultResponse(kind, { action = '', message = '', ns = NS.tga, target = null } = {}) {
  let code, codeNs, reason, detail = '';
  if (kind === 'action') {
    [code, codeNs] = ['a:ActionNotSupported', NS.addressingNone];
    reason = `The message with Action '${action}' cannot be processed at the receiver, due to a ContractFilter mismatch at the EndpointDispatcher. This may be because of either a contract mismatch (mismatched Actions between sender and receiver) or a binding/security mismatch between the sender and the receiver.  Check that sender and receiver have the same contract and the same binding (including security requirements, e.g. Message, Transport, None).`;
  } else if (kind === 'deserialization') {
    [code, codeNs, reason] = ['a:DeserializationFailed', NS.dispatcher, message];
  } else if (kind === 'validation') {
    [code, codeNs, reason] = ['s:Client', null, message];
    detail = `<detail><ValidationFault xmlns="${ns}" xmlns:i="${NS.xsi}"><Errors><ValidationError>${x.str('Code', 'Validation')}${x.str('Message', message)}`
      + `<Severity>Error</Severity>${x.nil('SubCode')}${x.str('ValidationTarget', target)}${x.nil('Context')}</ValidationError></Errors></ValidationFault></detail>`;
  } else {
    [code, codeNs, reason] = FAULTS[kind];
  }
  const body = `<s:Envelope xmlns:s="${NS.soap}"><s:Body><s:Fault><faultcode${codeNs ? ` xmlns:a="${codeNs}"` : ''}>${code}</faultcode>`
    + `<faultstring xml:lang="en-US">${esc(reason)}</faultstring>${detail}</s:Fault></s:Body></s:Envelope>`;
  return new Response(body, { status: 500, headers: { 'content-type': 'text/xml; charset=utf-8' } });
}

class Fault extends Error {
  constructor(kind, opts = {}) { super(opts.message ?? kind); this.kind = kind; this.opts = opts; }
}


/**
 * createTgaSoap({ corpus, credentials: { username, password }, now: () => ms, stateCodes: 'avetmiss'|'abbreviation',
 *   unitGridIsEssential = true, requireTimestamp = false, maxMessageBytes = Infinity })
 * → { handle(request, ctx) → Promise<Response> }. ctx: { fewer: fraction of list rows to drop, quota(pageSize) → bool }.
 */
export function createTgaSoap({ corpus, credentials, now = () => Date.now(), stateCodes = 'avetmiss', unitGridIsEssential = true,
  requireTimestamp = false, maxMessageBytes = Infinity }) {
  const stateOf = (a) => (stateCodes === 'abbreviation' ? a.state : a.stateCode);

  function checkSecurity(env) {
    const sec = kid(kid(env, NS.soap, 'Header'), NS.wsse, 'Security');
    const token = kid(sec, NS.wsse, 'UsernameToken');
    const user = kid(token, NS.wsse, 'Username'), pass = kid(token, NS.wsse, 'Password');
    const type = attr(pass, '', 'Type');
    if (!user || !pass || (type && type !== PASSWORD_TEXT)) throw new Fault('security');
    if (user.text !== credentials.username || pass.text !== credentials.password) throw new Fault('security');
    if (requireTimestamp) {
      const ts = kid(sec, NS.wsu, 'Timestamp'), expires = Date.parse(kid(ts, NS.wsu, 'Expires')?.text ?? '');
      if (!ts || !(expires > now())) throw new Fault('security');
    }
  }

  // --- request readers (elements must be in the service namespace, as WCF requires)
  const reader = (req, ns) => {
    const el = (n) => { const e = kid(req, ns, n); return e && attr(e, NS.xsi, 'nil') !== 'true' ? e : null; };
    return {
      el,
      int: (n) => { const e = el(n); return e ? Number.parseInt(e.text.trim(), 10) : null; },
      bool: (n, parent = req) => { const e = kid(parent, ns, n); return e ? e.text.trim() === 'true' || e.text.trim() === '1' : false; },
      str: (n) => el(n)?.text.trim() ?? null,
      // DateTimeOffset: a DateTime with a zone is that instant; without one it is local time at OffsetMinutes (WCF's rule).
      dto: (n) => {
        const e = el(n);
        if (!e) return null;
        const dt = kid(e, NS.system, 'DateTime')?.text.trim(), off = Number(kid(e, NS.system, 'OffsetMinutes')?.text.trim() ?? 0);
        if (!dt) throw new Fault('deserialization', { message: `${n}: DateTime is missing (expected in ${NS.system})` });
        const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(dt);
        const ms = zoned ? Date.parse(dt) : Date.parse(`${dt}Z`) - off * 60_000;
        if (Number.isNaN(ms)) throw new Fault('deserialization', { message: `${n}: cannot parse DateTime "${dt}"` });
        return ms;
      },
    };
  };

  function paging(r, ctx) {
    const page = r.int('PageNumber') ?? 0, size = r.int('PageSize') ?? 0;
    if (page < 1) throw new Fault('validation', { message: 'PageNumber must be 1 or more.', target: 'PageNumber' });
    if (size < 1) throw new Fault('validation', { message: 'PageSize must be 1 or more.', target: 'PageSize' });
    if (ctx.quota?.(size)) throw new Fault('quota');
    return { page, size };
  }
  const thin = (list, ctx) => (ctx.fewer ? list.filter((e) => dropShare(e.code) >= ctx.fewer) : list);

  // --- TrainingComponentService
  const TYPE_FLAGS = { IncludeQualification: 'qualification', IncludeUnit: 'unit', IncludeSkillSet: 'skillSet', IncludeTrainingPackage: 'trainingPackage' };
  const summary = (e) => {
    const s = corpus.componentSummary(e.kind, e.index);
    return `<TrainingComponentSummary>${x.opt('Code', s.code)}<ComponentType>${s.type}</ComponentType>${x.dto('CreatedDate', s.created)}`
      + `${x.bool('IsCurrent', s.isCurrent)}${x.opt('Title', s.title)}${x.dto('UpdatedDate', s.updated)}<UsageReccomendation>${s.usage}</UsageReccomendation></TrainingComponentSummary>`;
  };
  const orgItem = (e) => {
    const o = corpus.organisation(e.code), s = corpus.orgState(e.index);
    return `<OrganisationSearchResultItem>${x.str('Code', o.code)}${x.str('DataManagerCode', o.dataManager)}${x.bool('HasActiveRegistration', s.active)}`
      + `${x.str('LegalPersonName', o.legalName)}${x.opt('TradingName', o.tradingNames.find((t) => t.end == null)?.name)}${x.dto('UpdatedDate', o.updated)}</OrganisationSearchResultItem>`;
  };

  function searchByModifiedDate(service, r, ns, ctx) {
    const { page, size } = paging(r, ctx);
    const window = { start: r.dto('StartDate'), end: r.dto('EndDate') };
    let types = null;
    const filter = service === 'TrainingComponent' ? r.el('TrainingComponentTypes') : null;
    if (filter) types = Object.entries(TYPE_FLAGS).filter(([flag]) => r.bool(flag, filter)).map(([, k]) => k);
    const all = thin(corpus.modified(service === 'TrainingComponent' ? 'component' : 'organisation', { ...window, types }), ctx);
    const items = all.slice((page - 1) * size, page * size);
    const results = x.list('Results', items, service === 'TrainingComponent' ? summary : orgItem);
    return `<SearchByModifiedDateResponse xmlns="${ns}"><SearchByModifiedDateResult xmlns:i="${NS.xsi}"><Count>${all.length}</Count>`
      + `<PageNumber>${page}</PageNumber><PageSize>${size}</PageSize>${results}</SearchByModifiedDateResult></SearchByModifiedDateResponse>`;
  }

  function searchDeleted(service, r, ns, ctx) {
    const page = Math.max(1, r.int('PageNumber') ?? 1), size = r.int('PageSize') ?? 0;
    if (size && ctx.quota?.(size)) throw new Fault('quota');
    let list = thin(corpus.deleted(service === 'TrainingComponent' ? 'component' : 'organisation', { start: r.dto('StartDate'), end: r.dto('EndDate') }), ctx);
    if (size > 0) list = list.slice((page - 1) * size, page * size); // the result is a bare array: no Count
    const item = service === 'TrainingComponent'
      ? (d) => `<DeletedTrainingComponent>${x.str('NationalCode', d.code)}<Operation>${d.operation}</Operation>${x.dto('UpdatedDate', d.at)}</DeletedTrainingComponent>`
      : (d) => `<DeletedOrganisation><Operation>${d.operation}</Operation>${x.str('OrganisationCode', d.code)}${x.dto('UpdatedDate', d.at)}</DeletedOrganisation>`;
    return `<SearchDeletedByDeletedDateResponse xmlns="${ns}"><SearchDeletedByDeletedDateResult xmlns:i="${NS.xsi}">${list.map(item).join('')}`
      + '</SearchDeletedByDeletedDateResult></SearchDeletedByDeletedDateResponse>';
  }

  const address = (n, a) => (a == null ? x.nil(n)
    : `<${n}>${x.str('CountryCode', a.countryCode)}${x.str('Line1', a.line1)}${x.opt('Line2', a.line2)}${x.str('Postcode', a.postcode)}`
      + `${x.str('StateCode', stateOf(a))}${x.str('Suburb', a.suburb)}</${n}>`);
  const contact = (c) => `<Contact>${dtoBase(c)}${x.str('Email', c.email)}${x.opt('Fax', c.fax)}${x.str('FirstName', c.firstName)}`
    + `${x.opt('JobTitle', c.jobTitle)}${x.str('LastName', c.lastName)}${x.opt('Mobile', c.mobile)}${x.str('OrganisationName', c.organisationName)}`
    + `${x.str('Phone', c.phone)}${address('PostalAddress', c.postalAddress)}${x.str('RoleCode', c.roleCode)}${x.opt('Title', c.title)}${x.str('TypeCode', c.typeCode)}</Contact>`;

  function componentDetails(r, ns) {
    const code = r.str('Code');
    const c = code ? corpus.component(code) : null;
    if (!c) throw new Fault('validation', { message: `Training component with code '${code ?? ''}' could not be found.`, target: 'Code' });
    const info = r.el('InformationRequest');
    const show = (f) => r.bool(f, info);
    const grid = (g) => `<UnitGridEntry>${x.str('Code', g.code)}${unitGridIsEssential ? x.bool('IsEssential', g.isEssential) : ''}${x.str('Title', g.title)}</UnitGridEntry>`;
    const release = (rel) => `<Release>${show('ShowComponents') && rel.components ? x.list('Components', rel.components, (k) =>
      `<ReleaseComponent>${x.str('Code', k.code)}${x.str('ReleaseCurrency', k.releaseCurrency)}${x.str('ReleaseDate', k.releaseDate)}${x.str('ReleaseNumber', k.releaseNumber)}${x.str('Title', k.title)}<Type>${k.type}</Type></ReleaseComponent>`) : ''}`
      + `${x.str('Currency', rel.currency)}${show('ShowFiles') ? x.list('Files', rel.files, (f) => `<ReleaseFile>${x.str('RelativePath', f.path)}<Size>${f.size}</Size></ReleaseFile>`) : ''}`
      + `<ReleaseDate>${isoDate(rel.date)}</ReleaseDate>${x.str('ReleaseNumber', rel.number)}${show('ShowUnitGrid') && rel.unitGrid ? x.list('UnitGrid', rel.unitGrid, grid) : ''}</Release>`;
    let b = '';
    if (show('ShowClassifications')) b += x.list('Classifications', c.classifications, (k) => `<Classification>${dtoBase(k)}${x.str('PurposeCode', k.purposeCode)}${x.str('SchemeCode', k.schemeCode)}${x.str('ValueCode', k.valueCode)}</Classification>`);
    b += x.opt('Code', c.code);
    if (show('ShowCompletionMapping')) b += '<CompletionMapping/>';
    b += `<ComponentType>${c.type}</ComponentType>`;
    if (show('ShowContacts')) b += '<Contacts/>';
    b += x.dto('CreatedDate', c.created);
    if (show('ShowCurrencyPeriods')) b += x.list('CurrencyPeriods', c.currencyPeriods, (p) => `<NrtCurrencyPeriod>${dtoBase(p)}${x.str('Authority', p.authority)}</NrtCurrencyPeriod>`);
    if (show('ShowDataManagers')) b += '<DataManagers/>';
    if (show('ShowMappingInformation')) b += x.list('MappingInformation', c.mappings, (m) => `<Mapping>${x.str('Code', m.code)}${x.bool('IsEquivalent', m.isEquivalent)}`
      + `${x.str('MapsToCode', m.mapsToCode)}${x.str('MapsToTitle', m.mapsToTitle)}${x.str('Notes', m.notes)}${x.str('Title', m.title)}</Mapping>`);
    b += x.opt('ParentCode', c.parentCode) + x.opt('ParentTitle', c.parentTitle);
    if (show('ShowRecognitionManagers')) b += '<RecognitionManagers/>';
    if (show('ShowReleases')) b += x.list('Releases', c.releases, release);
    b += x.opt('Title', c.title) + x.dto('UpdatedDate', c.updated);
    if (show('ShowUsageRecommendation')) b += x.list('UsageRecommendations', c.usageRecommendations, (u) => `<UsageRecommendation>${dtoBase(u)}${x.str('State', u.state)}</UsageRecommendation>`);
    return `<GetDetailsResponse xmlns="${ns}"><GetDetailsResult xmlns:i="${NS.xsi}">${b}</GetDetailsResult></GetDetailsResponse>`;
  }

  function organisationDetails(r, ns, ctx) {
    const code = r.str('Code');
    const o = code ? corpus.organisation(code) : null;
    if (!o) throw new Fault('validation', { message: `Organisation with code '${code ?? ''}' could not be found.`, target: 'Code' });
    const info = r.el('InformationRequested');
    const show = (f) => r.bool(f, info);
    const regStart = o.registrationPeriods[0]?.start ?? o.created;
    let b = '';
    if (show('ShowCodes')) b += x.list('Codes', [{ code: o.code, start: regStart }], (c) => `<OrganisationCode>${dtoBase(c)}${x.str('Code', c.code)}</OrganisationCode>`);
    if (show('ShowContacts')) b += x.list('Contacts', o.contacts, contact);
    b += x.dto('CreatedDate', o.created);
    if (show('ShowDataManagers')) b += x.list('DataManagers', [{ code: o.dataManager, start: o.created }], (d) => `<DataManagerAssignment>${dtoBase(d)}${x.str('Code', d.code)}</DataManagerAssignment>`);
    if (show('ShowLocations')) b += x.list('Locations', o.locations, (l) => `<OrganisationLocation>${dtoBase(l)}${address('Address', l.address)}</OrganisationLocation>`);
    if (show('ShowResponsibleLegalPersons')) {
      b += x.list('ResponsibleLegalPersons', [{ name: o.legalName, abn: o.abn, acn: o.acn, start: o.created }], (p) => `<ResponsibleLegalPerson>${dtoBase(p)}`
        + `${p.abn ? `<Abns xmlns:b="${NS.arrays}"><b:string>${p.abn}</b:string></Abns>` : ''}${x.opt('Acn', p.acn)}${x.str('Name', p.name)}</ResponsibleLegalPerson>`);
    }
    if (show('ShowTradingNames')) b += x.list('TradingNames', o.tradingNames, (t) => `<TradingName>${dtoBase(t)}${x.str('Name', t.name)}</TradingName>`);
    b += x.dto('UpdatedDate', o.updated);
    if (show('ShowUrls')) b += x.list('Urls', o.urls, (u) => `<Url>${dtoBase(u)}${x.str('Link', u.link)}</Url>`);
    if (o.isRto) {
      if (show('ShowRtoClassifications')) b += '<Classifications/>';
      if (show('ShowRtoDeliveryNotification')) b += '<DeliveryNotifications/>';
      if (show('ShowRegistrationManagers')) b += x.list('RegistrationManagers', [{ code: o.registrationManager, start: regStart }], (m) => `<RegistrationManagerAssignment>${dtoBase(m)}${x.str('Code', m.code)}</RegistrationManagerAssignment>`);
      if (show('ShowRegistrationPeriods')) b += x.list('RegistrationPeriods', o.registrationPeriods, (p) => `<RegistrationPeriod>${dtoBase(p)}${x.opt('EndReasonCode', p.endReasonCode)}`
        + `${x.str('EndReasonComments', p.endReasonComments)}${x.str('Exerciser', p.exerciser)}${x.str('LegalAuthority', p.legalAuthority)}</RegistrationPeriod>`);
      if (show('ShowRestrictions')) b += x.list('Restrictions', o.restrictions, (t) => `<RtoRestriction>${dtoBase(t)}${x.opt('Code', t.code)}${x.str('Restriction', t.text)}</RtoRestriction>`);
      const explicit = show('ShowExplicitScope'), implicit = show('ShowImplicitScope');
      if (explicit || implicit) {
        const rows = thin(corpus.scope(o.code).filter((s) => (s.isImplicit ? implicit : explicit)), ctx);
        b += x.list('Scopes', rows, (s) => `<Scope>${dtoBase(s)}${x.opt('ExtentCode', s.extent)}${x.bool('IsImplicit', s.isImplicit)}${x.bool('IsRefused', s.isRefused)}`
          + `${x.str('NrtCode', s.code)}<TrainingComponentType>${s.type}</TrainingComponentType></Scope>`);
      }
    }
    // An RTO is the derived type Rto (xsi:type), other organisations the base Organisation.
    return `<GetDetailsResponse xmlns="${ns}"><GetDetailsResult${o.isRto ? ' i:type="Rto"' : ''} xmlns:i="${NS.xsi}">${b}</GetDetailsResult></GetDetailsResponse>`;
  }

  async function handle(request, ctx = {}) {
    const url = new URL(request.url);
    const svc = soapService(url.pathname);
    if (!svc) return new Response('Not Found', { status: 404 });
    if (request.method !== 'POST') return new Response('Method Not Allowed', { status: 405, headers: { allow: 'POST' } });
    const type = request.headers.get('content-type') ?? '';
    if (!/^text\/xml\b/i.test(type)) {
      return new Response(`Cannot process the message because the content type '${type}' was not the expected type 'text/xml; charset=utf-8'.`, { status: 415 });
    }
    let env;
    try { env = parseXml(await request.text()); } catch { return new Response('Bad Request', { status: 400 }); }
    try {
      if (env.name !== 'Envelope' || env.ns !== NS.soap) throw new Fault('version');
      const action = (request.headers.get('soapaction') ?? '').trim().replace(/^"|"$/g, '');
      const prefix = `${svc.ns}I${svc.service}Service/`;
      const op = action.startsWith(prefix) ? action.slice(prefix.length) : null;
      if (!op || !OPS[svc.service].includes(op)) throw new Fault('action', { action });
      checkSecurity(env);
      const bodyEl = kid(env, NS.soap, 'Body');
      const opEl = kid(bodyEl, svc.ns, op);
      if (!opEl) throw new Fault('deserialization', { message: `OperationFormatter encountered an invalid Message body. Expected to find node type 'Element' with name '${op}' and namespace '${svc.ns}'.` });
      if (!IMPLEMENTED.has(op)) throw new Fault('internal');
      let body;
      if (op === 'GetServerTime') {
        body = `<GetServerTimeResponse xmlns="${svc.ns}"><GetServerTimeResult>${iso(now())}</GetServerTimeResult></GetServerTimeResponse>`;
      } else {
        const req = kid(opEl, svc.ns, 'request');
        if (!req || attr(req, NS.xsi, 'nil') === 'true') throw new Fault('validation', { message: 'The request is required.', target: 'request', ns: svc.ns });
        const r = reader(req, svc.ns);
        if (op === 'SearchByModifiedDate') body = searchByModifiedDate(svc.service, r, svc.ns, ctx);
        else if (op === 'SearchDeletedByDeletedDate') body = searchDeleted(svc.service, r, svc.ns, ctx);
        else body = svc.service === 'TrainingComponent' ? componentDetails(r, svc.ns) : organisationDetails(r, svc.ns, ctx);
      }
      const text = envelope(body, now());
      if (text.length > maxMessageBytes) throw new Fault('quota');
      return new Response(text, { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' } });
    } catch (e) {
      if (!(e instanceof Fault)) throw e;
      return faultResponse(e.kind, { ...e.opts, ns: svc.ns });
    }
  }

  return { handle };
}

/**
 * A client request envelope (what a real client sends), for tests and the dev stack:
 * soapRequest({ service: 'TrainingComponent'|'Organisation', op, body: inner XML of <request>, username, password }).
 */
export function soapRequest({ service = 'TrainingComponent', op, body = '', username, password, ns = NS.tga, timestamp = Date.now() }) {
  const path = service === 'TrainingComponent' ? '/Deewr.Tga.WebServices/TrainingComponentService.svc/Training' : '/Deewr.Tga.WebServices/OrganisationService.svc/Organisation';
  const xml = `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="${NS.soap}" xmlns:ser="${ns}" xmlns:sys="${NS.system}">`
    + `<soapenv:Header><wsse:Security soapenv:mustUnderstand="1" xmlns:wsse="${NS.wsse}" xmlns:wsu="${NS.wsu}">`
    + `<wsu:Timestamp wsu:Id="TS-1"><wsu:Created>${iso(timestamp)}</wsu:Created><wsu:Expires>${iso(timestamp + 300_000)}</wsu:Expires></wsu:Timestamp>`
    + `<wsse:UsernameToken wsu:Id="UT-1"><wsse:Username>${esc(username)}</wsse:Username><wsse:Password Type="${PASSWORD_TEXT}">${esc(password)}</wsse:Password></wsse:UsernameToken>`
    + `</wsse:Security></soapenv:Header><soapenv:Body><ser:${op}>${op === 'GetServerTime' ? '' : `<ser:request>${body}</ser:request>`}</ser:${op}></soapenv:Body></soapenv:Envelope>`;
  return { path, headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${ns}I${service}Service/${op}"` }, body: xml };
}
