// The upstream fakes (tests/fakes/): deterministic corpus at real scale, SOAP envelopes per the
// published XSDs, REST and CKAN shapes, fault injection, and version-to-version changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { createCorpus } from './fakes/corpus.mjs';
import { createFakes, DEFAULT_CREDENTIALS } from './fakes/index.mjs';
import { soapRequest, NS } from './fakes/tga-soap.mjs';
import { parseXml, kid, kids, attr } from './fakes/xml.mjs';

const CREDS = DEFAULT_CREDENTIALS;
const CKAN = 'https://data.gov.au/data/api/3/action';
const REST = 'https://training.gov.au/api';
const RES = {
  institutions: '7f6941f3-5327-4db7-b556-5f16d77f63c1', courses: '48cacf69-2082-415e-9595-f17d0c3a4af0',
  locations: '45d29535-1360-4486-8242-3850e61b5524', courseLocations: '4cd2de02-8ba3-4eb2-bac2-fe272cae3f5f',
};
const small = createCorpus({ size: 'small' });

async function soap(fakes, service, op, body = '', creds = CREDS, headers = {}) {
  const r = soapRequest({ service, op, body, ...creds });
  const res = await fakes.fetch(`https://ws.training.gov.au${r.path}`, { method: 'POST', headers: { ...r.headers, ...headers }, body: r.body });
  const text = await res.text();
  return { status: res.status, text, xml: () => parseXml(text) };
}
const bodyOf = (doc) => kid(doc, NS.soap, 'Body').children[0];
const fault = (doc) => { const f = kid(bodyOf(doc), null, 'faultcode'); return f && { code: f.text, ns: f.scope[f.text.split(':')[0]] }; };
const page = (n, size, extra = '') => `<ser:PageNumber>${n}</ser:PageNumber><ser:PageSize>${size}</ser:PageSize>${extra}`;
const dto = (name, ms) => `<ser:${name}><sys:DateTime>${new Date(ms).toISOString()}</sys:DateTime><sys:OffsetMinutes>0</sys:OffsetMinutes></ser:${name}>`;
const flags = (names) => names.map((f) => `<ser:${f}>true</ser:${f}>`).join('');
const TC_FLAGS = ['ShowClassifications', 'ShowCompletionMapping', 'ShowComponents', 'ShowContacts', 'ShowCurrencyPeriods', 'ShowDataManagers',
  'ShowFiles', 'ShowMappingInformation', 'ShowRecognitionManagers', 'ShowReleases', 'ShowUnitGrid', 'ShowUsageRecommendation'];
const ORG_FLAGS = ['ShowCodes', 'ShowContacts', 'ShowDataManagers', 'ShowExplicitScope', 'ShowImplicitScope', 'ShowLocations', 'ShowRegistrationManagers',
  'ShowRegistrationPeriods', 'ShowResponsibleLegalPersons', 'ShowRestrictions', 'ShowRtoClassifications', 'ShowRtoDeliveryNotification', 'ShowTradingNames', 'ShowUrls'];
const tcDetails = (code, f = TC_FLAGS) => `<ser:Code>${code}</ser:Code><ser:InformationRequest>${flags(f)}</ser:InformationRequest>`;
const orgDetails = (code, f = ORG_FLAGS) => `<ser:Code>${code}</ser:Code><ser:InformationRequested>${flags(f)}</ser:InformationRequested>`;
const getJson = async (fakes, url) => { const r = await fakes.fetch(url); return { status: r.status, body: await r.json() }; };

// Names in the order the XSD sequence gives them: a response's children must appear in this order.
function assertOrder(el, order, what) {
  const names = el.children.map((c) => c.name);
  const idx = names.map((n) => order.indexOf(n));
  assert.ok(idx.every((i) => i >= 0), `${what}: unexpected element in ${names.join(',')}`);
  assert.deepEqual([...idx].sort((a, b) => a - b), idx, `${what}: out of XSD order: ${names.join(',')}`);
}

test('the corpus is deterministic: the same code gives the same record, in any order and any instance', () => {
  const other = createCorpus({ size: 'small' });
  const org = small.codes('organisation', 17, 1)[0], qual = small.codes('qualification', 40, 1)[0], unit = small.codes('unit', 333, 1)[0];
  assert.deepEqual(other.organisation(org), small.organisation(org));
  assert.deepEqual(other.component(qual), small.component(qual));
  assert.deepEqual(other.component(unit), small.component(unit));
  assert.deepEqual(other.scope(org), small.scope(org));
  assert.deepEqual(other.cricos.rows('courses', 100, 20), small.cricos.rows('courses', 100, 20));
  assert.deepEqual(small.component(qual), small.component(qual));
  assert.notDeepEqual(createCorpus({ size: 'small', seed: 2 }).organisation(org), small.organisation(org));
});

test('small counts, real code shapes, and every listed code resolves to its record', () => {
  const c = small.counts();
  assert.equal(c.organisations, 200);
  assert.ok(c.currentRtos >= 55 && c.currentRtos <= 85, `current RTOs ${c.currentRtos}`);
  assert.deepEqual([c.qualifications, c.units, c.skillSets, c.trainingPackages], [120, 900, 25, 8]);
  assert.deepEqual(c.cricos, { institutions: 30, courses: 400, locations: 60, courseLocations: 700 });
  const shapes = { organisation: /^\d{4,5}$/, trainingPackage: /^[A-Z]{3}$/, qualification: /^[A-Z]{3}[1-8]\d{4}$/, unit: /^[A-Z]{6}[1-6]\d{2}$/, skillSet: /^[A-Z]{3}SS\d{5}$/ };
  for (const [kind, re] of Object.entries(shapes)) {
    const codes = small.codes(kind);
    assert.equal(new Set(codes).size, codes.length, `${kind} codes are unique`);
    for (const code of codes) {
      assert.match(code, re);
      const rec = kind === 'organisation' ? small.organisation(code) : small.component(code);
      assert.equal(rec?.code, code, `${kind} ${code} resolves`);
    }
  }
  const zero = small.codes('organisation').find((o) => o.startsWith('0'));
  assert.ok(zero, 'some RTO codes have a significant leading zero');
  assert.equal(small.organisation(zero.replace(/^0+/, '')), null);
  assert.equal(small.component('BSB99999'), null);
  assert.equal(small.organisation('1'), null);
});

test('full-size counts come without materialising the corpus; scope reaches ~6.2M rows', () => {
  const t0 = Date.now();
  const full = createCorpus({ size: 'full' });
  const c = full.counts();
  assert.equal(c.organisations, 12_500);
  assert.ok(c.currentRtos > 3_700 && c.currentRtos < 4_300, `current RTOs ${c.currentRtos}`);
  assert.deepEqual([c.qualifications, c.units, c.skillSets], [8_000, 75_000, 1_500]);
  assert.deepEqual(c.cricos, { institutions: 1_565, courses: 26_555, locations: 3_956, courseLocations: 46_482 });
  let total = 0, largest = 0;
  for (const i of full.liveOrgIndices()) { const n = full.scopeCount(i); total += n; largest = Math.max(largest, n); }
  assert.ok(total > 5_800_000 && total < 6_600_000, `scope rows ${total}`);
  assert.ok(largest > 20_000, `largest RTO scope ${largest}`);
  const big = full.liveOrgIndices().find((i) => full.scopeCount(i) === largest);
  assert.equal(full.scope(full.orgCode(big)).length, largest, 'scopeCount agrees with the rows');
  assert.ok(Date.now() - t0 < 5_000, `took ${Date.now() - t0} ms`);
});

test('qualification unit grids mark core units; an RTO scope carries implicit units from its qualifications', () => {
  const qual = small.codes('qualification').map((q) => small.component(q)).find((q) => q.usage === 'Current');
  const grid = qual.releases.at(-1).unitGrid;
  assert.ok(grid.some((u) => u.isEssential) && grid.some((u) => !u.isEssential));
  for (const u of grid) assert.ok(small.component(u.code), `grid unit ${u.code} exists`);
  const rto = small.codes('organisation').find((o) => small.scopeCount(o) > 50);
  const rows = small.scope(rto);
  assert.equal(rows.length, small.scopeCount(rto));
  const explicitQuals = rows.filter((r) => r.type === 'Qualification');
  const implicit = new Set(rows.filter((r) => r.isImplicit).map((r) => r.code));
  for (const q of explicitQuals) {
    for (const u of small.component(q.code).releases.at(-1).unitGrid) assert.ok(implicit.has(u.code) || rows.some((r) => r.code === u.code && !r.isImplicit));
  }
  assert.equal(new Set(rows.map((r) => r.code)).size, rows.length, 'each component once');
});

test('CRICOS: every VET National Code names a corpus qualification on the linked RTO scope; links go through the CRICOS code', () => {
  const courses = small.cricos.rows('courses', 0, 10_000);
  const vet = courses.filter((r) => r['VET National Code']);
  assert.ok(vet.length > 100, `VET courses ${vet.length}`);
  for (const r of vet) {
    assert.equal(small.component(r['VET National Code'])?.type, 'Qualification', r['VET National Code']);
    const rto = small.cricos.rtoCodeOf(r['CRICOS Provider Code']);
    assert.ok(rto, `a VET course's provider is an RTO (${r['CRICOS Provider Code']})`);
    assert.ok(small.scope(rto).some((s) => s.code === r['VET National Code'] && !s.isImplicit));
    assert.match(r['Tuition Fee'], /^\$\d{1,3}(,\d{3})*\.00$/);
    assert.match(r['CRICOS Course Code'], /^\d{6}[A-Z]$/);
  }
  let linked = 0;
  for (const inst of small.cricos.rows('institutions', 0, 100)) {
    const code = inst['CRICOS Provider Code'];
    assert.match(code, /^\d{5}[A-Z]$/);
    const rto = small.cricos.rtoCodeOf(code);
    if (!rto) continue;
    linked++;
    const org = small.organisation(rto);
    assert.deepEqual(org.cricosProviderCodes, [code]);
    assert.equal(inst['Institution Name'], org.legalName);
  }
  assert.equal(linked, small.cricos.linkedCount);
  const withCodes = small.codes('organisation').filter((o) => small.organisation(o).cricosProviderCodes.length);
  assert.equal(withCodes.length, linked);
  for (const o of withCodes) assert.equal(small.cricos.rtoCodeOf(small.organisation(o).cricosProviderCodes[0]), o);
});

test('CKAN datastore_search: exact headers, paging, _id, _links, limit clamp, unknown resource', async () => {
  const fakes = createFakes();
  const expected = {
    institutions: ['CRICOS Provider Code', 'Trading Name', 'Institution Name', 'Institution Type', 'Institution Capacity', 'Website', 'Postal Address Line 1',
      'Postal Address Line 2', 'Postal Address Line 3', 'Postal Address Line 4', 'Postal Address City', 'Postal Address State', 'Postal Address Postcode'],
    courses: ['CRICOS Provider Code', 'Institution Name', 'CRICOS Course Code', 'Course Name', 'VET National Code', 'Dual Qualification',
      'Field of Education 1 Broad Field', 'Field of Education 1 Narrow Field', 'Field of Education 1 Detailed Field', 'Field of Education 2 Broad Field',
      'Field of Education 2 Narrow Field', 'Field of Education 2 Detailed Field', 'Course Level', 'Foundation Studies', 'Work Component',
      'Work Component Hours/Week', 'Work Component Weeks', 'Work Component Total Hours', 'Course Language', 'Duration (Weeks)', 'Tuition Fee',
      'Non Tuition Fee', 'Estimated Total Course Cost', 'Expired'],
    locations: ['CRICOS Provider Code', 'Institution Name', 'Location Name', 'Location Type', 'Address Line 1', 'Address Line 2', 'Address Line 3',
      'Address Line 4', 'City', 'State', 'Postcode'],
    courseLocations: ['CRICOS Provider Code', 'Institution Name', 'CRICOS Course Code', 'Location Name', 'Location City', 'Location State'],
  };
  for (const [key, cols] of Object.entries(expected)) {
    const { status, body } = await getJson(fakes, `${CKAN}/datastore_search?resource_id=${RES[key]}&limit=5`);
    assert.equal(status, 200);
    assert.equal(body.success, true);
    assert.deepEqual(body.result.fields.map((f) => f.id), ['_id', ...cols]);
    assert.deepEqual(Object.keys(body.result.records[0]), ['_id', ...cols]);
    assert.equal(body.result.total, small.cricos.total(key));
  }
  const seen = [];
  let url = `${CKAN}/datastore_search?resource_id=${RES.courseLocations}&limit=300`;
  for (let n = 0; n < 5; n++) {
    const { body } = await getJson(fakes, url);
    if (!body.result.records.length) break;
    seen.push(...body.result.records);
    url = `https://data.gov.au${body.result._links.next}`;
  }
  assert.equal(seen.length, 700);
  assert.deepEqual(seen.map((r) => r._id), Array.from({ length: 700 }, (_, i) => i + 1));
  const keys = seen.map((r) => `${r['CRICOS Provider Code']}|${r['CRICOS Course Code']}|${r['Location Name']}`);
  assert.ok(new Set(keys).size < keys.length, 'course locations include duplicate keys, as the real resource does');
  assert.equal((await getJson(fakes, `${CKAN}/datastore_search?resource_id=${RES.courses}&limit=99999`)).body.result.limit, 32_000);
  const missing = await getJson(fakes, `${CKAN}/datastore_search?resource_id=00000000-0000-0000-0000-000000000000`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.success, false);
  assert.equal((await getJson(fakes, `${CKAN}/resource_show?id=nope`)).status, 404);
});

test('CKAN resource_show last_modified moves with the version only for resources that changed', async () => {
  const fakes = createFakes();
  const lm = async () => Object.fromEntries(await Promise.all(Object.entries(RES).map(async ([k, id]) => [k, (await getJson(fakes, `${CKAN}/resource_show?id=${id}`)).body.result.last_modified])));
  const v1 = await lm();
  fakes.setVersion(2);
  const v2 = await lm();
  assert.match(v1.courses, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
  assert.notEqual(v1.courses, v2.courses);
  assert.notEqual(v1.courseLocations, v2.courseLocations);
  assert.equal(v1.locations, v2.locations);
  assert.ok(v2.courses > v1.courses);
});

test('SOAP SearchByModifiedDate pages: Count, ceil(Count/PageSize) pages, no duplicates, empty page past the end', async () => {
  const fakes = createFakes();
  const types = '<ser:TrainingComponentTypes><ser:IncludeQualification>true</ser:IncludeQualification><ser:IncludeSkillSet>true</ser:IncludeSkillSet></ser:TrainingComponentTypes>';
  const get = async (n) => {
    const doc = (await soap(fakes, 'TrainingComponent', 'SearchByModifiedDate', page(n, 40, types))).xml();
    const result = kid(bodyOf(doc), NS.tga, 'SearchByModifiedDateResult');
    return { count: Number(kid(result, NS.tga, 'Count').text), codes: kids(kid(result, NS.tga, 'Results'), NS.tga, 'TrainingComponentSummary').map((s) => kid(s, NS.tga, 'Code').text), result };
  };
  const first = await get(1);
  assert.equal(first.count, 145);
  const pages = Math.ceil(first.count / 40);
  const all = [...first.codes];
  for (let n = 2; n <= pages; n++) all.push(...(await get(n)).codes);
  assert.equal(all.length, 145);
  assert.equal(new Set(all).size, 145);
  assert.deepEqual(new Set(all), new Set([...small.codes('qualification'), ...small.codes('skillSet')]));
  assert.equal((await get(pages)).codes.length, 145 - 40 * (pages - 1));
  const past = await get(pages + 1);
  assert.equal(past.codes.length, 0);
  assert.equal(kid(past.result, NS.tga, 'Results').children.length, 0);
  const bad = (await soap(fakes, 'TrainingComponent', 'SearchByModifiedDate', page(1, 0))).xml();
  assert.equal(fault(bad).code, 's:Client');
});

test('SOAP WS-Security: the UsernameToken must match, else an InvalidSecurity fault; wrong action and content type are refused', async () => {
  const fakes = createFakes({ credentials: { username: 'svc', password: 's3cret' } });
  const ok = await soap(fakes, 'Organisation', 'GetServerTime', '', { username: 'svc', password: 's3cret' });
  assert.equal(ok.status, 200);
  for (const creds of [{ username: 'svc', password: 'wrong' }, { username: 'other', password: 's3cret' }]) {
    const res = await soap(fakes, 'Organisation', 'GetServerTime', '', creds);
    assert.equal(res.status, 500);
    assert.deepEqual(fault(res.xml()), { code: 'a:InvalidSecurity', ns: NS.wsse });
  }
  const r = soapRequest({ service: 'Organisation', op: 'GetServerTime', username: 'svc', password: 's3cret' });
  const noHeader = r.body.replace(/<soapenv:Header>.*<\/soapenv:Header>/, '');
  assert.equal(fault(parseXml(await (await fakes.fetch(`https://ws.training.gov.au${r.path}`, { method: 'POST', headers: r.headers, body: noHeader })).text())).code, 'a:InvalidSecurity');
  const wrongAction = await soap(fakes, 'Organisation', 'GetServerTime', '', { username: 'svc', password: 's3cret' }, { soapaction: '"http://training.gov.au/services/IOrganisationService/Nope"' });
  assert.equal(fault(wrongAction.xml()).code, 'a:ActionNotSupported');
  const soap12 = await soap(fakes, 'Organisation', 'GetServerTime', '', { username: 'svc', password: 's3cret' }, { 'content-type': 'application/soap+xml; charset=utf-8' });
  assert.equal(soap12.status, 415);
});

test('SOAP envelopes: namespaces, XSD element order, DateTimeOffset, xsi:nil and xsi:type for every operation', async () => {
  const fakes = createFakes();
  const check = async (service, op, body) => {
    const res = await soap(fakes, service, op, body);
    assert.equal(res.status, 200, `${service}.${op}: ${res.text.slice(0, 300)}`);
    const doc = res.xml();
    assert.equal(doc.ns, NS.soap);
    assert.equal(kid(kid(kid(doc, NS.soap, 'Header'), NS.wsse, 'Security'), NS.wsu, 'Timestamp')?.name, 'Timestamp');
    const response = bodyOf(doc);
    assert.deepEqual([response.name, response.ns], [`${op}Response`, NS.tga]);
    return response.children[0];
  };
  const qual = small.codes('qualification').find((q) => small.component(q).mappings.length);
  const tc = await check('TrainingComponent', 'GetDetails', tcDetails(qual));
  assertOrder(tc, ['Classifications', 'Code', 'CompletionMapping', 'ComponentType', 'Contacts', 'CreatedDate', 'CurrencyPeriods', 'DataManagers', 'IsConfidential',
    'IscOrganisationCode', 'MappingInformation', 'ParentCode', 'ParentTitle', 'RecognitionManagers', 'Releases', 'Title', 'UpdatedDate', 'UsageRecommendations'], 'TrainingComponent');
  const created = kid(tc, NS.tga, 'CreatedDate');
  assert.deepEqual(created.children.map((c) => [c.ns, c.name]), [[NS.system, 'DateTime'], [NS.system, 'OffsetMinutes']]);
  assert.match(created.children[0].text, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  const release = kid(kid(tc, NS.tga, 'Releases'), NS.tga, 'Release');
  assertOrder(release, ['ApprovalProcess', 'Components', 'Currency', 'Files', 'IscApprovalDate', 'MinisterialAgreementDate', 'NqcEndorsementDate', 'ReleaseDate', 'ReleaseNumber', 'UnitGrid'], 'Release');
  const entry = kid(kid(release, NS.tga, 'UnitGrid'), NS.tga, 'UnitGridEntry');
  assert.deepEqual(entry.children.map((c) => c.name), ['Code', 'IsEssential', 'Title']);
  const mapping = kid(kid(tc, NS.tga, 'MappingInformation'), NS.tga, 'Mapping');
  assert.deepEqual(mapping.children.map((c) => c.name), ['Code', 'IsEquivalent', 'MapsToCode', 'MapsToTitle', 'Notes', 'Title']);
  const usage = kid(kid(tc, NS.tga, 'UsageRecommendations'), NS.tga, 'UsageRecommendation');
  assertOrder(usage, ['ActionOnEntity', 'EndDate', 'StartDate', 'State'], 'UsageRecommendation');

  const rto = small.codes('organisation').find((o) => small.organisation(o).isRto && small.organisation(o).contacts.some((c) => c.firstName == null));
  const org = await check('Organisation', 'GetDetails', orgDetails(rto));
  assert.equal(attr(org, NS.xsi, 'type'), 'Rto');
  assertOrder(org, ['Codes', 'Contacts', 'CreatedDate', 'DataManagers', 'Locations', 'ResponsibleLegalPersons', 'TradingNames', 'UpdatedDate', 'Urls',
    'Classifications', 'DeliveryNotifications', 'RegistrationManagers', 'RegistrationPeriods', 'Restrictions', 'Scopes'], 'Rto');
  const nil = kids(kid(org, NS.tga, 'Contacts'), NS.tga, 'Contact').map((c) => kid(c, NS.tga, 'FirstName')).find((f) => attr(f, NS.xsi, 'nil') === 'true');
  assert.ok(nil && nil.text === '', 'a null FirstName is <FirstName i:nil="true"/>');
  const scope = kid(kid(org, NS.tga, 'Scopes'), NS.tga, 'Scope');
  assertOrder(scope, ['ActionOnEntity', 'EndDate', 'StartDate', 'ExtentCode', 'IsImplicit', 'IsRefused', 'NrtCode', 'TrainingComponentType'], 'Scope');
  assert.equal(kids(kid(org, NS.tga, 'Scopes'), NS.tga, 'Scope').length, small.scopeCount(rto));
  const abns = kid(kid(kid(org, NS.tga, 'ResponsibleLegalPersons'), NS.tga, 'ResponsibleLegalPerson'), NS.tga, 'Abns');
  assert.equal(abns.children[0].ns, NS.arrays);
  const notRto = small.codes('organisation').find((o) => !small.organisation(o).isRto);
  assert.equal(attr(await check('Organisation', 'GetDetails', orgDetails(notRto)), NS.xsi, 'type'), null);

  const search = await check('Organisation', 'SearchByModifiedDate', page(1, 5));
  assertOrder(search, ['Count', 'PageNumber', 'PageSize', 'Results'], 'SearchResult');
  assertOrder(kid(kid(search, NS.tga, 'Results'), NS.tga, 'OrganisationSearchResultItem'), ['Code', 'DataManagerCode', 'HasActiveRegistration', 'LegalPersonName', 'TradingName', 'UpdatedDate'], 'item');
  const tcSearch = await check('TrainingComponent', 'SearchByModifiedDate', page(1, 5));
  assertOrder(kid(kid(tcSearch, NS.tga, 'Results'), NS.tga, 'TrainingComponentSummary'),
    ['Code', 'ComponentType', 'CreatedDate', 'IsConfidential', 'IsCurrent', 'Title', 'UpdatedDate', 'UsageReccomendation'], 'summary');
  const del = await check('TrainingComponent', 'SearchDeletedByDeletedDate', page(1, 50));
  assertOrder(del.children[0], ['NationalCode', 'Operation', 'UpdatedDate'], 'DeletedTrainingComponent');
  const odel = await check('Organisation', 'SearchDeletedByDeletedDate', page(1, 50));
  assertOrder(odel.children[0], ['Operation', 'OrganisationCode', 'UpdatedDate'], 'DeletedOrganisation');
  assert.match((await check('TrainingComponent', 'GetServerTime', '')).text, /^\d{4}-\d{2}-\d{2}T/);
  const unknown = (await soap(fakes, 'TrainingComponent', 'GetDetails', tcDetails('ZZZ99999'))).xml();
  assert.equal(kid(kid(kid(bodyOf(unknown), null, 'detail'), NS.tga, 'ValidationFault'), NS.tga, 'Errors').name, 'Errors');
});

// xmllint (libxml2-utils), when present, validates the response bodies against the published XSDs
// (with UnitGridEntry.IsEssential added, as the versioned services have it).
const XSD_DIR = '/work/shared/upstream/tga-wsdl';
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0 && existsSync(XSD_DIR);
test('SOAP bodies validate against the published XSDs (xmllint)', { skip: !hasXmllint && 'xmllint or the XSDs are not available' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tga-xsd-'));
  try {
    for (const f of readdirSync(XSD_DIR).filter((n) => n.endsWith('.xsd'))) writeFileSync(join(dir, f), readFileSync(join(XSD_DIR, f), 'utf8'));
    const tc = join(dir, 'TrainingComponentService.xsd');
    writeFileSync(tc, readFileSync(tc, 'utf8').replace(/(<xs:complexType name="UnitGridEntry">\s*<xs:sequence>\s*<xs:element minOccurs="0" name="Code"[^>]*\/>)/,
      '$1<xs:element minOccurs="0" name="IsEssential" type="xs:boolean"/>'));
    const fakes = createFakes({ version: 2 });
    const rto = small.codes('organisation').find((o) => small.organisation(o)?.isRto);
    const calls = [
      ['TrainingComponent', 'GetDetails', tcDetails(small.codes('qualification', 0, 1)[0])], ['TrainingComponent', 'GetDetails', tcDetails('BSB')],
      ['TrainingComponent', 'SearchByModifiedDate', page(1, 50)], ['TrainingComponent', 'SearchDeletedByDeletedDate', page(1, 50)],
      ['TrainingComponent', 'GetServerTime', ''], ['Organisation', 'GetDetails', orgDetails(rto)], ['Organisation', 'SearchByModifiedDate', page(1, 50)],
      ['Organisation', 'SearchDeletedByDeletedDate', page(1, 50)], ['Organisation', 'GetDetails', '<ser:Code>1</ser:Code>'],
    ];
    for (const [service, op, body] of calls) {
      const { text } = await soap(fakes, service, op, body);
      const inner = /<s:Body>(.*)<\/s:Body>/s.exec(text)[1];
      const part = inner.includes('<s:Fault>') ? /<detail>(.*)<\/detail>/s.exec(inner)[1] : inner;
      const file = join(dir, 'body.xml');
      writeFileSync(file, part);
      const v = spawnSync('xmllint', ['--noout', '--schema', join(dir, `${service}Service.xsd`), file], { encoding: 'utf8' });
      assert.equal(v.status, 0, `${service}.${op}: ${v.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('REST organisation, contacts, paged scope, CRICOS codes; api-version required; filter combinations fail with 500', async () => {
  const fakes = createFakes();
  const linked = small.codes('organisation').find((o) => small.organisation(o).cricosProviderCodes.length && small.scopeCount(o) > 120);
  const { status, body } = await getJson(fakes, `${REST}/organisation/${linked}?include=all&api-version=1.0`);
  assert.equal(status, 200);
  for (const k of ['legalNames', 'tradingNames', 'webAddresses', 'registrations', 'classifications', 'addresses', 'status']) assert.ok(k in body, k);
  assert.deepEqual(body.addresses.map((a) => a.addressType).slice(0, 2), ['headOffice', 'postal']);
  assert.match(body.addresses[0].address.state, /^(NSW|VIC|QLD|SA|WA|TAS|NT|ACT)$/);
  const contacts = (await getJson(fakes, `${REST}/organisation/${linked}/contacts?api-version=1.0`)).body;
  const domain = small.organisation(linked).domain;
  for (const c of contacts.value) if (c.email) assert.ok(c.email.endsWith(`@${domain}`), c.email);
  const cricos = (await getJson(fakes, `${REST}/organisation/${linked}/cricos?api-version=1.0`)).body;
  assert.deepEqual(cricos.value.map((v) => v.cricosProviderCode), small.organisation(linked).cricosProviderCodes);
  const rows = [];
  let count;
  for (let offset = 0; count === undefined || offset < count; offset += 50) {
    const r = (await getJson(fakes, `${REST}/organisation/${linked}/scope?offset=${offset}&pageSize=50&api-version=1.0`)).body;
    count = r.count;
    rows.push(...r.value);
  }
  assert.equal(count, small.scopeCount(linked));
  assert.equal(new Set(rows.map((r) => r.code)).size, count);
  const quals = (await getJson(fakes, `${REST}/organisation/${linked}/scope?filters=componentType==qualification&api-version=1.0`)).body;
  assert.ok(quals.value.every((r) => r.componentType === 'qualification' && !r.isImplicit));
  assert.equal((await fakes.fetch(`${REST}/organisation/${linked}/scope?filters=componentType==unit,isImplicit==true&api-version=1.0`)).status, 500);
  assert.equal((await fakes.fetch(`${REST}/organisation/${linked}`)).status, 400);
  assert.equal((await fakes.fetch(`${REST}/organisation/1?api-version=1.0`)).status, 404);
});

test('fault injection: each kind, times, ratio, clear, and the request log', async () => {
  const fakes = createFakes({ timeoutMs: 20 });
  const rto = small.codes('organisation').find((o) => small.organisation(o).isRto);
  const ckanUrl = `${CKAN}/datastore_search?resource_id=${RES.courses}&limit=10`;

  fakes.inject({ host: 'data.gov.au', kind: 'http500', times: 2 });
  assert.deepEqual([(await fakes.fetch(ckanUrl)).status, (await fakes.fetch(ckanUrl)).status, (await fakes.fetch(ckanUrl)).status], [500, 500, 200]);
  assert.equal(fakes.requests.filter((r) => r.fault === 'http500').length, 2);

  fakes.inject({ op: 'GetDetails', kind: 'timeout', times: 1 });
  const t0 = Date.now();
  assert.equal((await soap(fakes, 'Organisation', 'GetDetails', orgDetails(rto))).status, 504);
  assert.ok(Date.now() - t0 < 1_000);
  fakes.inject({ op: 'GetDetails', kind: 'timeout', hang: true, times: 1 });
  const r = soapRequest({ service: 'Organisation', op: 'GetDetails', body: orgDetails(rto), ...CREDS });
  const ctl = new AbortController();
  setTimeout(() => ctl.abort(), 50); // a ref'd timer: AbortSignal.timeout's is unref'd, and so is the fake's
  await assert.rejects(fakes.fetch(`https://ws.training.gov.au${r.path}`, { method: 'POST', headers: r.headers, body: r.body, signal: ctl.signal }), { name: 'AbortError' });

  fakes.inject({ service: 'tga-soap', kind: 'malformed', times: 1 });
  const mal = await soap(fakes, 'Organisation', 'GetDetails', orgDetails(rto));
  assert.equal(mal.status, 200);
  assert.throws(() => parseXml(mal.text));
  fakes.inject({ host: 'data.gov.au', kind: 'malformed', times: 1 });
  await assert.rejects((await fakes.fetch(ckanUrl)).json());

  const full = await soap(fakes, 'Organisation', 'GetDetails', orgDetails(rto));
  fakes.inject({ op: 'GetDetails', kind: 'truncated', times: 1 });
  const cut = await soap(fakes, 'Organisation', 'GetDetails', orgDetails(rto));
  assert.ok(Math.abs(cut.text.length - full.text.length / 2) < 600, 'half the body');
  assert.throws(() => parseXml(cut.text));
  fakes.clear();

  fakes.inject({ op: 'SearchByModifiedDate', kind: 'soapFault', times: 1 });
  assert.deepEqual(fault((await soap(fakes, 'TrainingComponent', 'SearchByModifiedDate', page(1, 10))).xml()), { code: 'a:InternalServiceFault', ns: 'http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher' });

  fakes.inject({ op: 'SearchByModifiedDate', kind: 'quotaFault', maxPageSize: 100 });
  const big = (await soap(fakes, 'TrainingComponent', 'SearchByModifiedDate', page(1, 500))).xml();
  assert.equal(fault(big).code, 's:Server');
  assert.match(kid(bodyOf(big), null, 'faultstring').text, /maximum message size quota/);
  assert.equal((await soap(fakes, 'TrainingComponent', 'SearchByModifiedDate', page(1, 100))).status, 200, 'halving the page size gets through');
  fakes.clear();

  const count = async () => Number(/<Count>(\d+)<\/Count>/.exec((await soap(fakes, 'Organisation', 'SearchByModifiedDate', page(1, 10))).text)[1]);
  const before = await count();
  fakes.inject({ host: 'ws.training.gov.au', kind: 'fewerRows' });
  const fewer = await count();
  assert.ok(fewer < before * 0.7 && fewer > before * 0.45, `${fewer} of ${before}`);
  fakes.inject({ host: 'data.gov.au', kind: 'fewerRows', fraction: 0.4 });
  assert.equal((await getJson(fakes, ckanUrl)).body.result.total, Math.ceil(400 * 0.6));
  fakes.clear();
  assert.equal(await count(), before);

  const id = fakes.inject({ host: 'training.gov.au', kind: 'http500', ratio: 0.5 });
  const statuses = [];
  for (let k = 0; k < 40; k++) statuses.push((await fakes.fetch(`${REST}/organisation/${rto}?api-version=1.0`)).status);
  const fails = statuses.filter((s) => s === 500).length;
  assert.ok(fails > 8 && fails < 32, `ratio 0.5 failed ${fails}/40`);
  fakes.clear(id);
  assert.equal(fakes.count({ service: 'tga-rest', op: 'organisation' }), 40);
  assert.throws(() => fakes.inject({ kind: 'nope' }));
});

test('version 2: deterministic changes, dated inside the window; deletions, supersessions, CRICOS churn', async () => {
  const v2 = createCorpus({ size: 'small', version: 2 });
  const ch = v2.changes();
  const { start, end } = ch.window;
  assert.ok(ch.organisations.deleted.length >= 1 && ch.organisations.changed.length >= 5 && ch.organisations.added.length >= 1);
  assert.ok(ch.components.added.length >= 1 && ch.components.changed.length >= 20 && ch.components.deleted.length >= 1);
  assert.deepEqual(v2.changes(), createCorpus({ size: 'small', version: 2 }).changes(), 'same changes every time');
  // "Modified between the two runs" is exactly the changed and added records.
  assert.deepEqual(new Set(v2.modified('organisation', { start, end }).map((m) => m.code)), new Set([...ch.organisations.changed, ...ch.organisations.added]));
  assert.deepEqual(new Set(v2.modified('component', { start, end }).map((m) => m.code)), new Set([...ch.components.changed, ...ch.components.added]));
  assert.equal(small.modified('organisation', { start }).length, 0, 'version 1 has nothing after its as-of date');
  for (const code of ch.organisations.deleted) { assert.ok(small.organisation(code)); assert.equal(v2.organisation(code), null); }
  const tombs = v2.deleted('organisation', { start, end });
  assert.deepEqual(tombs.map((t) => t.code).sort(), [...ch.organisations.deleted].sort());
  const flipped = Object.entries(ch.organisations.types).find(([, t]) => t.includes('status'))?.[0];
  if (flipped) assert.notEqual(v2.organisation(flipped).active, small.organisation(flipped).active);
  const unchanged = small.codes('organisation').find((o) => !(o in ch.organisations.types));
  assert.deepEqual(v2.organisation(unchanged), small.organisation(unchanged));
  for (const code of ch.components.added) {
    const q = v2.component(code);
    assert.equal(q.type, 'Qualification');
    const old = v2.component(q.mappings[0].code);
    assert.equal(old.usage, 'Superseded');
    assert.equal(small.component(old.code).usage, 'Current');
    assert.equal(old.mappings.at(-1).mapsToCode, code);
    assert.deepEqual(old.mappings.at(-1), q.mappings[0], 'both sides show the same mapping');
  }
  const released = Object.entries(ch.components.types).find(([, t]) => t.includes('release'))[0];
  assert.equal(v2.component(released).releases.length, small.component(released).releases.length + 1);
  const c2 = v2.cricos.changes();
  assert.ok(c2.courses.added.length && c2.courses.removed.length);
  assert.equal(v2.counts().cricos.courses, 400 - c2.courses.removed.length + c2.courses.added.length);
  for (const code of c2.courses.removed) { assert.ok(small.cricos.course(code)); assert.equal(v2.cricos.course(code), null); }
  for (const code of c2.courses.added) { assert.equal(small.cricos.course(code), null); assert.ok(v2.cricos.course(code)); }
  for (const r of v2.cricos.rows('courses', 0, 1000)) if (r['VET National Code']) assert.ok(v2.component(r['VET National Code']), r['VET National Code']);

  // Through the SOAP fake: the window query returns exactly those organisations.
  const fakes = createFakes({ version: 2 });
  const res = (await soap(fakes, 'Organisation', 'SearchByModifiedDate', page(1, 500, dto('StartDate', start) + dto('EndDate', end)))).xml();
  const codes = kids(kid(kid(bodyOf(res), NS.tga, 'SearchByModifiedDateResult'), NS.tga, 'Results'), NS.tga, 'OrganisationSearchResultItem').map((i) => kid(i, NS.tga, 'Code').text);
  assert.deepEqual(new Set(codes), new Set([...ch.organisations.changed, ...ch.organisations.added]));
});

test('usable as Miniflare outboundService: a worker reaches the SOAP and CKAN fakes', async () => {
  const fakes = createFakes();
  const r = soapRequest({ service: 'TrainingComponent', op: 'GetServerTime', ...CREDS });
  const mf = new Miniflare({
    modules: true,
    compatibilityDate: '2026-04-01',
    script: `export default { async fetch() {
      const soap = await fetch('https://ws.training.gov.au${r.path}', { method: 'POST', headers: ${JSON.stringify(r.headers)}, body: ${JSON.stringify(r.body)} });
      const ckan = await fetch('${CKAN}/resource_show?id=${RES.courses}');
      return Response.json({ soap: soap.status, time: (await soap.text()).includes('GetServerTimeResult'), ckan: (await ckan.json()).result.name });
    } }`,
    outboundService: fakes.fetch,
  });
  try {
    const res = await (await mf.dispatchFetch('http://localhost/')).json();
    assert.deepEqual(res, { soap: 200, time: true, ckan: 'Courses' });
    assert.deepEqual(fakes.requests.map((q) => q.op), ['GetServerTime', 'resource_show']);
  } finally {
    await mf.dispose();
  }
});
