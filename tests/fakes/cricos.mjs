// The CRICOS part of the fake corpus: the four data.gov.au resources (institutions, courses,
// locations, course locations) with their exact column headers, linked to the TGA side only
// through real join keys: an institution that is an RTO carries that RTO's CRICOS provider code,
// and a VET course's `VET National Code` is a qualification on that RTO's scope.
import { hash, unit, rng, allocate, prefix, block, lru } from './random.mjs';
import { STATES, UNIVERSITY_FIELDS, BROAD_FIELDS, AQF, ORG_ADJECTIVES, SURNAMES, STREETS, STREET_TYPES } from './vocab.mjs';

export const DATASET_ID = 'e5ae7059-bfa8-4fa4-a5c0-c13cf3520193';
export const RESOURCES = {
  institutions: { id: '7f6941f3-5327-4db7-b556-5f16d77f63c1', name: 'Institutions' },
  courses: { id: '48cacf69-2082-415e-9595-f17d0c3a4af0', name: 'Courses' },
  locations: { id: '45d29535-1360-4486-8242-3850e61b5524', name: 'Locations' },
  courseLocations: { id: '4cd2de02-8ba3-4eb2-bac2-fe272cae3f5f', name: 'Course Locations' },
};
const FOE = (n) => [`Field of Education ${n} Broad Field`, `Field of Education ${n} Narrow Field`, `Field of Education ${n} Detailed Field`];
export const COLUMNS = {
  institutions: ['CRICOS Provider Code', 'Trading Name', 'Institution Name', 'Institution Type', 'Institution Capacity', 'Website',
    'Postal Address Line 1', 'Postal Address Line 2', 'Postal Address Line 3', 'Postal Address Line 4',
    'Postal Address City', 'Postal Address State', 'Postal Address Postcode'],
  courses: ['CRICOS Provider Code', 'Institution Name', 'CRICOS Course Code', 'Course Name', 'VET National Code', 'Dual Qualification',
    ...FOE(1), ...FOE(2), 'Course Level', 'Foundation Studies', 'Work Component', 'Work Component Hours/Week', 'Work Component Weeks',
    'Work Component Total Hours', 'Course Language', 'Duration (Weeks)', 'Tuition Fee', 'Non Tuition Fee', 'Estimated Total Course Cost', 'Expired'],
  locations: ['CRICOS Provider Code', 'Institution Name', 'Location Name', 'Location Type', 'Address Line 1', 'Address Line 2',
    'Address Line 3', 'Address Line 4', 'City', 'State', 'Postcode'],
  courseLocations: ['CRICOS Provider Code', 'Institution Name', 'CRICOS Course Code', 'Location Name', 'Location City', 'Location State'],
};

const K = { LINK: 101, ILINK: 102, IW: 103, INST: 104, COURSE: 105, CREM: 106, CNEW: 107, CFEE: 108, IREN: 109, CLDUP: 110, CLSTART: 111, CLCAP: 112, LOC: 113, LM: 114 };
const pad = (n, w) => String(n).padStart(w, '0');
const money = (n) => `$${String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.00`;
// Every suburb, so an institution's locations can all differ (an institution has at most 40).
const POOL = STATES.flatMap(([abbr, , , subs]) => subs.map(([suburb, postcode]) => ({ abbr, suburb, postcode })));
const WEEKS = { 1: 26, 2: 26, 3: 52, 4: 52, 5: 78, 6: 104, 7: 26, 8: 52 };
const HE_WEEKS = { 'Bachelor Degree': 156, 'Masters Degree (Coursework)': 104, 'Doctoral Degree (Research)': 156, ELICOS: 20, 'Non AQF Award': 40, 'Senior Secondary Certificate of Education': 104 };

export function createCricos(corpus) {
  const { seed, churn } = corpus;
  const C = corpus.cfg.cricos;
  const I = C.institutions;

  // Link a deterministic subset of current RTOs to a deterministic subset of institutions.
  const current = [];
  for (let i = 0; i < corpus.no; i++) if (corpus.orgClass(i) === 'current') current.push(i);
  current.sort((a, b) => hash(seed, K.LINK, a) - hash(seed, K.LINK, b) || a - b);
  const linked = Math.min(Math.round(I * C.linkedShare), current.length);
  const order = [...Array(I).keys()].sort((a, b) => hash(seed, K.ILINK, a) - hash(seed, K.ILINK, b) || a - b);
  const instOrg = new Int32Array(I).fill(-1);
  const orgInst = new Map();
  for (let t = 0; t < linked; t++) { instOrg[order[t]] = current[t]; orgInst.set(current[t], order[t]); }

  // Exact totals: courses and locations per institution, rows per course.
  const w = Float64Array.from({ length: I }, (_, k) => Math.min(60, Math.pow(1 - unit(seed, K.IW, k), -0.7)) * (instOrg[k] >= 0 ? 1.5 : 1));
  const courseCounts = allocate(C.courses, w, { min: 1, caps: new Int32Array(I).fill(900) });
  const locCounts = allocate(C.locations, w.map(Math.sqrt), { min: 1, caps: new Int32Array(I).fill(40) });
  const coursePrefix = prefix(courseCounts), locPrefix = prefix(locCounts);
  const instOfBase = (c) => block(coursePrefix, c);
  // A course is offered at up to all its institution's locations; a few rows repeat one (real duplicates).
  const rowCaps = Int32Array.from({ length: C.courses }, (_, c) => locCounts[instOfBase(c)] + (unit(seed, K.CLCAP, c) < 0.02 ? 1 : 0));
  const rowCounts = allocate(C.courseLocations, Float64Array.from({ length: C.courses }, (_, c) => 1 + 2 * unit(seed, K.CLSTART, c, 9)), { min: 1, caps: rowCaps });

  // Versions: base courses disappear, new ones appear, fees and trading names change.
  const addedPerVersion = Math.max(2, Math.round(C.courses * 0.012 * churn));
  const removedIn = (c) => {
    for (let v = 2; v <= corpus.version; v++) if (unit(seed, K.CREM, c, v) < 0.01 * churn) return v;
    return 0;
  };
  const addedVersion = (c) => 2 + Math.floor((c - C.courses) / addedPerVersion);
  const instOf = (c) => (c < C.courses ? instOfBase(c) : hash(seed, K.CNEW, c) % I);
  const rowsOf = (c) => (c < C.courses ? rowCounts[c] : Math.min(locCounts[instOf(c)], 1 + (hash(seed, K.CNEW, c, 1) % 2)));
  const live = [];
  for (let c = 0; c < C.courses; c++) if (!removedIn(c)) live.push(c);
  for (let t = 0; t < addedPerVersion * (corpus.version - 1); t++) live.push(C.courses + t);
  const liveCourses = Int32Array.from(live);
  const rowPrefix = prefix(Int32Array.from(liveCourses, rowsOf));
  const liveIndex = new Map();

  const providerCode = (k) => `${pad(10 + k * 37 + (hash(seed, K.INST, k) % 37), 5)}${String.fromCharCode(65 + (hash(seed, K.INST, k, 1) % 13))}`;
  const courseCode = (c) => `${pad(1000 + c * 36 + (hash(seed, K.COURSE, c) % 36), 6)}${String.fromCharCode(65 + (hash(seed, K.COURSE, c, 1) % 26))}`;
  const renamedIn = (k) => { for (let v = 2; v <= corpus.version; v++) if (unit(seed, K.IREN, k, v) < 0.02 * churn) return v; return 0; };
  const feeRises = (c) => { let n = 0; for (let v = 2; v <= corpus.version; v++) if (unit(seed, K.CFEE, c, v) < 0.03 * churn) n++; return n; };

  const memo = lru(8192);
  const institution = (k) => memo(`i${k}`, () => {
    const r = rng(seed, K.INST, k, 2);
    let row;
    if (instOrg[k] >= 0) {
      const org = corpus.organisation(corpus.orgCode(instOrg[k]));
      const a = org.postalAddress;
      row = { name: org.legalName, trading: org.tradingNames.find((t) => t.end == null)?.name ?? org.legalName,
        type: /TAFE|Institute of/.test(org.legalName) && r.chance(0.3) ? 'Government' : 'Private', website: `www.${org.domain}`,
        line1: a.line1, line2: a.line2 ?? '', city: a.suburb, state: a.state, postcode: a.postcode };
    } else {
      const home = POOL[r.int(POOL.length)];
      const kind = r.weighted([8, 20, 72]);
      const name = kind === 0 ? `University of ${home.suburb}`
        : kind === 1 ? `${home.suburb} ${r.pick(['Grammar School', 'High School', 'Christian College', 'Anglican School'])}`
          : `${r.pick([...ORG_ADJECTIVES, ...SURNAMES])} ${r.pick(['College of English', 'Institute of Higher Education', 'Business School', 'Language Centre'])} Pty Ltd`;
      row = { name, trading: name.replace(/ Pty Ltd$/, ''), type: kind === 0 ? 'Government' : kind === 2 ? 'Private' : r.pick(['Government', 'Private']),
        website: `www.${name.toLowerCase().replace(/ pty ltd$/, '').replace(/[^a-z0-9]+/g, '')}.edu.au`,
        line1: `PO Box ${r.range(100, 9999)}`, line2: '', city: home.suburb, state: home.abbr, postcode: home.postcode };
    }
    const trading = renamedIn(k) ? `${row.trading} Australia` : row.trading;
    return {
      'CRICOS Provider Code': providerCode(k), 'Trading Name': trading, 'Institution Name': row.name, 'Institution Type': row.type,
      'Institution Capacity': String(r.range(2, 400) * (row.name.startsWith('University') ? 100 : 5)), Website: row.website,
      'Postal Address Line 1': row.line1, 'Postal Address Line 2': row.line2, 'Postal Address Line 3': '', 'Postal Address Line 4': '',
      'Postal Address City': row.city, 'Postal Address State': row.state, 'Postal Address Postcode': row.postcode,
    };
  });

  const location = (k, l) => {
    const r = rng(seed, K.LOC, k, l);
    const p = POOL[(hash(seed, K.LOC, k) + l * 7) % POOL.length]; // stride 7 is coprime with the pool size: all distinct
    const inst = institution(k);
    return {
      'CRICOS Provider Code': inst['CRICOS Provider Code'], 'Institution Name': inst['Institution Name'], 'Location Name': `${p.suburb} Campus`,
      'Location Type': l === 0 ? 'Head Office' : r.pick(['Campus', 'Campus', 'Training Site']),
      'Address Line 1': `${r.range(1, 480)} ${r.pick(STREETS)} ${r.pick(STREET_TYPES)}`, 'Address Line 2': r.chance(0.3) ? `Level ${r.range(1, 9)}` : '',
      'Address Line 3': '', 'Address Line 4': '', City: p.suburb, State: p.abbr, Postcode: p.postcode,
    };
  };

  // Qualifications a linked RTO could enrol overseas students in: current ones on its (base) scope.
  const vetQuals = lru(2048);
  const rtoQuals = (orgIdx) => vetQuals(orgIdx, () => corpus.scopePlan(orgIdx, { base: true }).quals.filter((g) => {
    const q = corpus.qualCore(g);
    return g < corpus.nq && q.succ == null && q.deletedAt == null;
  }));

  const course = (c) => memo(`c${c}`, () => {
    const k = instOf(c), inst = institution(k), r = rng(seed, K.COURSE, c, 2);
    const m = c < C.courses ? c - coursePrefix[k] : hash(seed, K.CNEW, c, 2);
    const quals = instOrg[k] >= 0 ? rtoQuals(instOrg[k]) : [];
    let name, vet = '', level, foe, weeks, weekly;
    if (quals.length && !r.chance(0.08)) {
      const q = corpus.qualCore(quals[m % quals.length]);
      name = corpus.qualTitle(q); vet = q.code; level = AQF[q.level][2];
      const b = q.pkg.asced.slice(0, 2);
      foe = [`${b} - ${BROAD_FIELDS[b]}`, `${q.pkg.asced.slice(0, 4)} - ${q.pkg.name}`, `${q.pkg.asced} - ${q.pkg.subjects[0]}`];
      weeks = WEEKS[q.level] + r.pick([0, 0, 0, 4, 8, 12, 26]);
      weekly = r.range(150, 320);
    } else {
      const options = instOrg[k] >= 0 ? UNIVERSITY_FIELDS.filter((f) => f[0] === 'ELICOS') : UNIVERSITY_FIELDS;
      const [lvl, title, b] = options[m % options.length];
      name = m >= options.length ? `${title} (${Math.floor(m / options.length) + 1})` : title;
      level = lvl;
      foe = [`${b} - ${BROAD_FIELDS[b]}`, '', ''];
      weeks = lvl === 'ELICOS' ? r.range(4, 50) : HE_WEEKS[lvl];
      weekly = lvl === 'ELICOS' ? r.range(300, 450) : r.range(500, 900);
    }
    let tuition = Math.round((weeks * weekly) / 100) * 100;
    for (let n = feeRises(c); n > 0; n--) tuition = Math.round((tuition * 1.05) / 100) * 100;
    const nonTuition = r.pick([0, 250, 500, 750, 1000]);
    const work = /CHC|HLT|SIT/.test(vet) && r.chance(0.5);
    return {
      'CRICOS Provider Code': inst['CRICOS Provider Code'], 'Institution Name': inst['Institution Name'], 'CRICOS Course Code': courseCode(c),
      'Course Name': name, 'VET National Code': vet, 'Dual Qualification': r.chance(0.03) ? 'Yes' : 'No',
      'Field of Education 1 Broad Field': foe[0], 'Field of Education 1 Narrow Field': foe[1], 'Field of Education 1 Detailed Field': foe[2],
      'Field of Education 2 Broad Field': '', 'Field of Education 2 Narrow Field': '', 'Field of Education 2 Detailed Field': '',
      'Course Level': level, 'Foundation Studies': level === 'Non AQF Award' ? 'Yes' : 'No', 'Work Component': work ? 'Yes' : 'No',
      'Work Component Hours/Week': work ? '20' : '', 'Work Component Weeks': work ? '12' : '', 'Work Component Total Hours': work ? '240' : '',
      'Course Language': 'English', 'Duration (Weeks)': String(weeks), 'Tuition Fee': money(tuition), 'Non Tuition Fee': money(nonTuition),
      'Estimated Total Course Cost': money(tuition + nonTuition), Expired: 'No',
    };
  });

  const courseLocation = (c, t) => {
    const k = instOf(c), L = locCounts[k], start = hash(seed, K.CLSTART, c) % L;
    const l = (start + t - (t > 0 && unit(seed, K.CLDUP, c, t) < 0.01 ? 1 : 0)) % L;
    const loc = location(k, l), crs = course(c);
    return { 'CRICOS Provider Code': crs['CRICOS Provider Code'], 'Institution Name': crs['Institution Name'], 'CRICOS Course Code': crs['CRICOS Course Code'],
      'Location Name': loc['Location Name'], 'Location City': loc.City, 'Location State': loc.State };
  };

  const totals = { institutions: I, courses: liveCourses.length, locations: C.locations, courseLocations: rowPrefix[rowPrefix.length - 1] };
  const rowAt = {
    institutions: (o) => institution(o),
    courses: (o) => course(liveCourses[o]),
    locations: (o) => { const k = block(locPrefix, o); return location(k, o - locPrefix[k]); },
    courseLocations: (o) => { const b = block(rowPrefix, o); return courseLocation(liveCourses[b], o - rowPrefix[b]); },
  };
  // The last version in which each resource changed (locations never do: their last_modified stays put).
  const lastChange = {
    institutions: (() => { let last = 1; for (let k = 0; k < I; k++) last = Math.max(last, renamedIn(k)); return last; })(),
    courses: corpus.version, courseLocations: corpus.version, locations: 1,
  };
  const keyOf = (id) => Object.keys(RESOURCES).find((key) => RESOURCES[key].id === id || key === id);

  return {
    resources: RESOURCES,
    columns: COLUMNS,
    key: keyOf,
    counts: () => ({ ...totals }),
    total: (res) => totals[keyOf(res)],
    /** Rows [offset, offset+limit) of a resource (key or CKAN id), objects keyed by the exact column headers. */
    rows(res, offset = 0, limit = 100) {
      const key = keyOf(res), out = [];
      for (let o = offset; o < Math.min(totals[key], offset + limit); o++) out.push(rowAt[key](o));
      return out;
    },
    /** CKAN-style last_modified (no zone, microseconds): moves only when the resource changed. */
    lastModified(res) {
      const key = keyOf(res), v = lastChange[key];
      const ms = corpus.asOf(v) - (2 + (hash(seed, K.LM, v, key.length) % 20)) * 3_600_000 - (hash(seed, K.LM, v, key.length, 1) % 3_600_000);
      return `${new Date(ms).toISOString().slice(0, 19)}.${pad(hash(seed, K.LM, v, 3) % 1_000_000, 6)}`;
    },
    institution(code) {
      const m = /^(\d{5})([A-Z])$/.exec(String(code ?? '').trim().toUpperCase());
      if (!m) return null;
      const k = Math.floor((Number(m[1]) - 10) / 37);
      return k >= 0 && k < I && providerCode(k) === m[0] ? institution(k) : null;
    },
    course(code) {
      const m = /^(\d{6})([A-Z])$/.exec(String(code ?? '').trim().toUpperCase());
      if (!m) return null;
      const c = Math.floor((Number(m[1]) - 1000) / 36);
      if (c < 0 || courseCode(c) !== m[0]) return null;
      if (!liveIndex.size) liveCourses.forEach((x, o) => liveIndex.set(x, o));
      return liveIndex.has(c) ? course(c) : null;
    },
    institutionOfOrg: (i) => orgInst.get(i) ?? -1,
    providerCodesOfOrg: (i) => (orgInst.has(i) ? [providerCode(orgInst.get(i))] : []),
    /** The RTO code an institution is linked to through its CRICOS provider code, or null. */
    rtoCodeOf(code) {
      const inst = this.institution(code);
      if (!inst) return null;
      const k = Math.floor((Number(code.slice(0, 5)) - 10) / 37);
      return instOrg[k] >= 0 ? corpus.orgCode(instOrg[k]) : null;
    },
    linkedCount: linked,
    /** Course codes added / removed / with changed fees, and institutions renamed, in versions (from, version]. */
    changes(from = corpus.version - 1) {
      const out = { courses: { added: [], removed: [], changed: [] }, institutions: { changed: [] } };
      for (let c = 0; c < C.courses; c++) {
        const v = removedIn(c);
        if (v > from) out.courses.removed.push(courseCode(c));
        else if (!v) { for (let x = from + 1; x <= corpus.version; x++) if (unit(seed, K.CFEE, c, x) < 0.03 * churn) { out.courses.changed.push(courseCode(c)); break; } }
      }
      for (let t = 0; t < addedPerVersion * (corpus.version - 1); t++) if (addedVersion(C.courses + t) > from) out.courses.added.push(courseCode(C.courses + t));
      for (let k = 0; k < I; k++) if (renamedIn(k) > from) out.institutions.changed.push(providerCode(k));
      return out;
    },
  };
}
