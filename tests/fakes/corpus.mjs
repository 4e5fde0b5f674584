// Deterministic fake of the national training register (TGA) and CRICOS, at real shapes and scale.
//
// Nothing is held in memory but small index tables (per-package offsets, a few Int32Arrays):
// every record is rebuilt on demand from hash(seed, kind, index), so `full` (12,500 organisations,
// 75,000 units, ~6.2M scope rows) costs no more to open than `small`.
//
// Versions: version 1 is the register as of `baseDate`; version n is version n-1 plus one week of
// changes. Each record draws one uniform number per version; its band picks the change (see
// ORG_BANDS…, scaled by the size's `churn`), dated inside (asOf(n-1), asOf(n)). So "what changed
// between two runs" is exactly the records whose UpdatedDate falls in that window.
import { PACKAGES, SMALL_PACKAGES, FIELDS, GENERIC_FIELDS, UNIT_VERBS, UNIT_SUFFIX, AQF, LEVEL_CYCLE, STATES, STATE_WEIGHTS,
  FIRST_NAMES, SURNAMES, ORG_ADJECTIVES, ORG_NOUNS, STREETS, STREET_TYPES } from './vocab.mjs';
import { hash, unit, rng, allocate, prefix, block, lru, dropShare } from './random.mjs';
import { createCricos } from './cricos.mjs';

export const DAY = 86_400_000;

export const SIZES = {
  small: {
    organisations: 200, currentShare: 0.4, nonRtoShare: 0.1, packages: SMALL_PACKAGES,
    qualifications: 120, units: 900, skillSets: 25, churn: 5,
    scope: { min: 2, alpha: 1.1, max: 60 },
    cricos: { institutions: 30, courses: 400, locations: 60, courseLocations: 700, linkedShare: 0.5 },
  },
  full: {
    organisations: 12_500, currentShare: 0.33, nonRtoShare: 0.12, packages: null,
    qualifications: 8_000, units: 75_000, skillSets: 1_500, churn: 1,
    scope: { min: 4.6, alpha: 1.05, max: 900 },
    cricos: { institutions: 1_565, courses: 26_555, locations: 3_956, courseLocations: 46_482, linkedShare: 0.58 },
  },
};

// Change bands per version: [change, cumulative probability before × churn].
const ORG_BANDS = [['delete', 0.004], ['status', 0.009], ['contact', 0.019], ['scope', 0.029], ['restriction', 0.031]];
const QUAL_BANDS = [['supersede', 0.01], ['deleteLogical', 0.013], ['release', 0.033]];
const UNIT_BANDS = [['delete', 0.002], ['deleteLogical', 0.005], ['release', 0.025]];
const SKILL_BANDS = [['delete', 0.005], ['release', 0.025]];
const TP_BANDS = [['release', 0.1]];

// Hash "kinds": one number per purpose so streams never overlap.
const H = { CLASS: 1, ORGCODE: 2, ORG: 3, EVT: 4, EVTAT: 5, SCOPE: 6, SCOPEADD: 7, QUAL: 8, UNIT: 9, SKILL: 10, TP: 11, GRID: 12,
  TOMB: 14, ORGREC: 15, PKG: 16, QYEAR: 17, QDEL: 18, USUP: 19, UDEL: 20, SSUP: 21, TITLE: 22, CONTACT: 23, MAP: 24 };
export const KIND = { organisation: 1, trainingPackage: 2, qualification: 3, unit: 4, skillSet: 5 };
export const COMPONENT_TYPES = { trainingPackage: 'TrainingPackage', qualification: 'Qualification', unit: 'Unit', skillSet: 'SkillSet' };
const KIND_OF_TYPE = Object.fromEntries(Object.entries(COMPONENT_TYPES).map(([k, t]) => [t, k]));

const pad = (n, w) => String(n).padStart(w, '0');
const day = (ms) => Math.floor(ms / DAY) * DAY;
const addYears = (ms, n) => { const d = new Date(ms); d.setUTCFullYear(d.getUTCFullYear() + n); return d.getTime(); };
const cap = (s) => s[0].toUpperCase() + s.slice(1);
const slug = (s) => s.toLowerCase().replace(/&/g, 'and').replace(/[^a-z0-9]+/g, '');
export const iso = (ms) => new Date(ms).toISOString();
export const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);

function band(bands, u, churn) {
  for (const [type, upTo] of bands) if (u < upTo * churn) return type;
  return null;
}

// Australian Business Number with a valid checksum, built on a valid ACN (companies' ABN = prefix + ACN).
function abnAcn(r) {
  const acn = Array.from({ length: 8 }, () => r.int(10));
  const s = acn.reduce((t, d, i) => t + d * (8 - i), 0);
  acn.push((10 - (s % 10)) % 10);
  const w = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
  for (let p = 10; p < 100; p++) {
    const d = [Math.floor(p / 10), p % 10, ...acn];
    d[0] -= 1;
    if (d.reduce((t, x, i) => t + x * w[i], 0) % 89 === 0) return { abn: `${p}${acn.join('')}`, acn: acn.join('') };
  }
  return { abn: null, acn: acn.join('') };
}

export function createCorpus(options) {
  return new Corpus(options);
}

export class Corpus {
  constructor({ size = 'small', version = 1, seed = 1, baseDate = '2026-03-01T00:00:00Z', stepDays = 7 } = {}) {
    const cfg = SIZES[size];
    if (!cfg) throw new Error(`unknown corpus size "${size}" (small | full)`);
    if (!Number.isInteger(version) || version < 1) throw new Error(`version must be an integer >= 1, got ${version}`);
    Object.assign(this, { size, version, seed, cfg, churn: cfg.churn });
    this.base = Date.parse(baseDate);
    this.step = stepDays * DAY;
    this.memo = { org: lru(4096), scope: lru(8), modified: lru(16), grid: lru(2048), state: lru(8192) };
    this.setupPackages();
    this.setupOrganisations();
    this.cricos = createCricos(this);
    this.setupAddedQualifications();
  }

  /** The instant version v describes (its records were all updated before it). */
  asOf(v = this.version) { return this.base + (v - 1) * this.step; }

  // A change made in version v, dated strictly inside (asOf(v-1), asOf(v)), with milliseconds.
  changeAt(kind, i, v) {
    return this.asOf(v - 1) + 60_000 + Math.floor(unit(this.seed, H.EVTAT, kind, i, v) * (this.step - 120_000));
  }

  // ---------------------------------------------------------------- packages and code tables
  setupPackages() {
    const { seed, cfg } = this;
    const list = cfg.packages ? PACKAGES.filter((p) => cfg.packages.includes(p[0])) : PACKAGES;
    this.pkgs = list.map(([code, name, weight, subjects, fields, asced], i) => {
      let f = fields;
      if (!f) { // Packages without listed fields take 8–14 generic ones, rotated per package.
        const n = 8 + (hash(seed, H.PKG, i) % 7), o = hash(seed, H.PKG, i, 1) % GENERIC_FIELDS.length;
        f = Array.from({ length: n }, (_, k) => GENERIC_FIELDS[(o + k) % GENERIC_FIELDS.length]);
      }
      return { i, code, name, title: `${name} Training Package`, weight, subjects, fields: f, asced };
    });
    this.pkgByCode = new Map(this.pkgs.map((p) => [p.code, p]));
    const w = this.pkgs.map((p) => p.weight * (0.75 + 0.5 * unit(seed, H.PKG, p.i, 2)));
    // Caps keep every code inside its 2-digit sequence space (qualification seq <= 99, unit seq <= 99).
    this.qOff = prefix(allocate(cfg.qualifications, w, { min: 4, caps: this.pkgs.map(() => 640) }));
    this.uOff = prefix(allocate(cfg.units, w, { min: 20, caps: this.pkgs.map((p) => p.fields.length * 6 * 90) }));
    this.sOff = prefix(allocate(cfg.skillSets, w, { min: 1 }));
    this.nq = cfg.qualifications; this.nu = cfg.units; this.ns = cfg.skillSets;
    // Historic component tombstones: unit-shaped codes past each package's last unit.
    this.compTombs = Math.max(3, Math.round((this.nq + this.nu) * 0.005));
  }

  // ---------------------------------------------------------------- organisations: index ↔ code
  setupOrganisations() {
    const N = this.cfg.organisations;
    this.no = N;
    this.orgStride = Math.floor(88_000 / N);
    this.orgTombs = Math.max(3, Math.round(N * 0.01));
    this.orgAddedPerVersion = Math.max(2, Math.round(N * 0.002 * this.churn));
  }

  // Index layout: [0, N) the base register, [N, N+T) historic tombstones, then orgs added per version.
  orgBorn(i) {
    if (i < this.no) return 1;
    if (i < this.no + this.orgTombs) return 0;
    return 2 + Math.floor((i - this.no - this.orgTombs) / this.orgAddedPerVersion);
  }
  // Codes are 4–5 digits; the first few have a leading zero ("0275"), which is significant.
  orgCode(i) { return pad(100 + i * this.orgStride + (hash(this.seed, H.ORGCODE, i) % this.orgStride), 4); }
  orgIndex(code) {
    const s = String(code ?? '').trim();
    if (!/^\d{4,5}$/.test(s)) return -1;
    const i = Math.floor((Number(s) - 100) / this.orgStride);
    if (i < 0 || this.orgCode(i) !== s || this.orgBorn(i) > this.version) return -1;
    return i;
  }
  orgClass(i) {
    if (i >= this.no) return 'current';
    const u = unit(this.seed, H.CLASS, i);
    return u < this.cfg.currentShare ? 'current' : u < 1 - this.cfg.nonRtoShare ? 'past' : 'none';
  }

  orgEvents(i) {
    const out = [];
    const born = this.orgBorn(i);
    if (born === 0) return out;
    for (let v = Math.max(2, born + 1); v <= this.version; v++) {
      let type = band(ORG_BANDS, unit(this.seed, H.EVT, KIND.organisation, i, v), this.churn);
      if (!type) continue;
      // CRICOS-linked RTOs are never deleted (the CRICOS join must keep resolving); non-RTOs have no registration.
      if (type === 'delete' && this.cricos.institutionOfOrg(i) >= 0) type = 'contact';
      if (this.orgClass(i) === 'none' && type !== 'delete') type = 'contact';
      out.push({ v, type, at: this.changeAt(KIND.organisation, i, v) });
      if (type === 'delete') break;
    }
    return out;
  }

  // The cheap part of an organisation: dates and registration periods (enough for searches).
  orgCore(i) {
    return this.memo.state(`o${i}`, () => {
      const r = rng(this.seed, H.ORG, i);
      const cls = this.orgClass(i), born = this.orgBorn(i);
      const stateIdx = r.weighted(STATE_WEIGHTS);
      let created, regStart = null, periods = [];
      if (born >= 2) {
        regStart = day(this.changeAt(KIND.organisation + 100, i, born));
        created = regStart - r.range(10, 60) * DAY + r.int(DAY);
        periods = [{ start: regStart, end: addYears(regStart, 7) }];
      } else if (cls === 'none') {
        created = Date.UTC(2000, 0, 1) + Math.floor(r() * (this.base - 60 * DAY - Date.UTC(2000, 0, 1)));
      } else {
        const lo = Date.UTC(1995, 0, 1), hi = this.base - 400 * DAY;
        regStart = day(lo + r() * (hi - lo));
        created = regStart - r.range(10, 90) * DAY + r.int(DAY);
        const endAt = cls === 'past' ? day(regStart + 365 * DAY + r() * (this.base - 60 * DAY - regStart - 365 * DAY)) : Infinity;
        for (let s = regStart; ;) {
          const e = addYears(s, r.pick([5, 7]));
          if (cls === 'past' && e >= endAt) {
            periods.push({ start: s, end: endAt, endReason: r.pick(['Cancelled', 'Expired', 'Withdrawn']) });
            break;
          }
          periods.push({ start: s, end: e });
          if (e > this.base + 30 * DAY) break;
          s = e + DAY;
        }
      }
      const last = periods.at(-1);
      const floor = Math.max(created, last ? (cls === 'past' ? last.end : last.start) : created);
      const ceiling = this.base - 3_600_000; // version 1 holds nothing updated after its as-of date
      let updated = Math.min(floor, ceiling - DAY) + Math.floor(r() * Math.max(0, ceiling - floor));
      if (born >= 2) updated = this.changeAt(KIND.organisation + 100, i, born); // registered inside its version's window
      return { i, cls, born, stateIdx, created, regStart, periods, updated };
    });
  }

  /** Status, dates and events of organisation i at this version (cheap; no names or contacts). */
  orgState(i) {
    const core = this.orgCore(i), events = this.orgEvents(i);
    let active = core.cls === 'current', updated = core.updated, deletedAt = null;
    for (const e of events) {
      if (e.type === 'delete') { deletedAt = e.at; break; }
      if (e.type === 'status') active = !active;
      updated = e.at;
    }
    return { ...core, events, active, updated, deletedAt, isRto: core.cls !== 'none' };
  }

  liveOrgIndices() {
    return (this._liveOrgs ??= (() => {
      const out = [];
      const added = this.orgAddedPerVersion * (this.version - 1);
      const consider = (i) => { if (!this.orgEvents(i).some((e) => e.type === 'delete')) out.push(i); };
      for (let i = 0; i < this.no; i++) consider(i);
      for (let t = 0; t < added; t++) consider(this.no + this.orgTombs + t);
      return Int32Array.from(out);
    })());
  }

  /** Full organisation record (names, contacts, addresses, registration, CRICOS codes), or null. */
  organisation(code) {
    const i = this.orgIndex(code);
    if (i < 0) return null;
    const s = this.orgState(i);
    if (s.deletedAt != null) return null;
    return this.memo.org(`${i}`, () => this.buildOrganisation(i, s));
  }

  buildOrganisation(i, s) {
    const r = rng(this.seed, H.ORGREC, i);
    const [stateAbbr, stateCode, area, suburbs] = STATES[s.stateIdx];
    const sur = () => r.pick(SURNAMES), adj = () => r.pick(ORG_ADJECTIVES), noun = () => r.pick(ORG_NOUNS);
    let legalName, brand, tld = 'com.au';
    switch (s.cls === 'none' ? 6 : r.int(6)) {
      case 0: brand = `${adj()} ${noun()}`; legalName = `${brand} Pty Ltd`; break;
      case 1: brand = `${sur()} ${noun()}`; legalName = `${brand} Pty Ltd`; break;
      case 2: brand = `${sur()} ${noun()}`; legalName = `The Trustee for the ${sur()} Family Trust`; break;
      case 3: brand = `${sur()} & ${sur()} ${noun()}`; legalName = `${brand} Pty Ltd`; break;
      case 4: { const p = this.pkgs[r.int(this.pkgs.length)]; brand = `${adj()} Institute of ${p.subjects[0]}`; legalName = `${brand} Ltd`; tld = 'edu.au'; break; }
      case 5: brand = `${r.pick(suburbs)[0]} Community College`; legalName = `${brand} Incorporated`; tld = 'org.au'; break;
      default: brand = `${adj()} ${r.pick(['Industry Skills Council', 'Skills Service Organisation', 'Workforce Council'])}`; legalName = `${brand} Ltd`; tld = 'org.au';
    }
    const domain = `${slug(brand)}.${tld}`;
    const { abn, acn } = abnAcn(r);
    const address = (sub = r.pick(suburbs)) => ({
      line1: `${r.range(1, 480)} ${r.pick(STREETS)} ${r.pick(STREET_TYPES)}`,
      line2: r.chance(0.3) ? `Level ${r.range(1, 12)}` : null,
      suburb: sub[0], state: stateAbbr, stateCode, postcode: sub[1], country: 'Australia', countryCode: '1101',
    });
    const phone = () => `(${area}) ${r.range(7, 9)}${pad(r.int(1000), 3)} ${pad(r.int(10000), 4)}`;
    const mobile = () => `04${pad(r.int(100), 2)} ${pad(r.int(1000), 3)} ${pad(r.int(1000), 3)}`;
    const head = address();
    const created = s.created;
    const person = (role, jobTitle, rr = r) => {
      const first = rr.pick(FIRST_NAMES), last = rr.pick(SURNAMES);
      return {
        firstName: first, lastName: last, title: rr.pick(['Mr', 'Ms', 'Mrs', 'Dr', null]), jobTitle,
        email: rr.chance(0.03) ? null : `${slug(first)}.${slug(last)}@${domain}`,
        phone: phone(), mobile: rr.chance(0.6) ? mobile() : null, fax: rr.chance(0.05) ? phone() : null,
        organisationName: legalName, postalAddress: rr.chance(0.8) ? head : null, roleCode: role, typeCode: 'Person', start: created, end: null,
      };
    };
    const contacts = [person('CEO', r.pick(['Chief Executive Officer', 'Managing Director', 'Director', 'General Manager']))];
    if (s.isRto) {
      contacts.push({
        firstName: null, lastName: null, title: null, jobTitle: 'Student Enquiries', email: `enquiries@${domain}`, phone: phone(),
        mobile: null, fax: null, organisationName: legalName, postalAddress: head, roleCode: 'PublicEnquiries', typeCode: 'Position', start: created, end: null,
      });
      if (r.chance(0.5)) contacts.push(person('RegistrationEnquiries', r.pick(['Compliance Manager', 'RTO Manager', 'Quality Manager'])));
    }
    const tradingNames = [];
    if (r.chance(0.75)) tradingNames.push({ name: brand, start: created, end: null });
    if (r.chance(0.15)) tradingNames.unshift({ name: `${adj()} ${noun()}`, start: created, end: created + r.range(200, 2000) * DAY });
    const locations = [{ type: 'headOffice', address: head, start: created, end: null }];
    for (let k = r.int(s.cls === 'current' ? 4 : 2); k > 0; k--) {
      const st = STATES[r.weighted(STATE_WEIGHTS)];
      const sub = r.pick(st[3]);
      locations.push({ type: 'deliveryLocation', address: { ...address(sub), state: st[0], stateCode: st[1] }, start: created + r.range(0, 900) * DAY, end: null });
    }
    const manager = stateAbbr === 'VIC' && r.chance(0.3) ? 'VRQA' : stateAbbr === 'WA' && r.chance(0.3) ? 'TAC' : 'ASQA';
    const periods = s.periods.map((p) => ({
      start: p.start, end: p.end, endReasonCode: p.endReason ?? null,
      endReasonComments: p.endReason ? `Registration ${p.endReason.toLowerCase()}` : null, exerciser: manager,
      legalAuthority: manager === 'ASQA' ? 'National Vocational Education and Training Regulator Act 2011' : 'State legislation',
    }));
    const restrictions = s.isRto && r.chance(0.02)
      ? [{ code: 'R01', text: 'The RTO must not enrol new learners in qualifications on its scope of registration.', start: s.updated - 30 * DAY, end: null }] : [];
    const rec = {
      code: this.orgCode(i), index: i, isRto: s.isRto, active: s.active, legalName, abn, acn, tradingNames, domain,
      urls: r.chance(0.95) ? [{ link: `https://www.${domain}`, start: created, end: null }] : [],
      contacts, locations, postalAddress: head, registrationPeriods: s.isRto ? periods : [], restrictions,
      registrationManager: s.isRto ? manager : null, dataManager: manager,
      cricosProviderCodes: this.cricos.providerCodesOfOrg(i), created, updated: s.updated,
    };
    // Replay this version's changes on top of the base record.
    for (const e of s.events) {
      const er = rng(this.seed, H.CONTACT, i, e.v);
      if (e.type === 'contact') {
        rec.contacts[0] = { ...person('CEO', rec.contacts[0].jobTitle, er), start: e.at };
      } else if (e.type === 'status' && s.isRto) {
        // A renewal that had not started yet goes with the cancellation.
        while (rec.registrationPeriods.length > 1 && rec.registrationPeriods.at(-1).start > e.at) rec.registrationPeriods.pop();
        const last = rec.registrationPeriods.at(-1);
        if (last && (last.end == null || last.end > e.at) && last.endReasonCode == null) {
          Object.assign(last, { end: day(e.at), endReasonCode: 'Cancelled', endReasonComments: 'Registration cancelled' });
        } else {
          rec.registrationPeriods.push({ start: day(e.at), end: addYears(day(e.at), 7), endReasonCode: null, endReasonComments: null,
            exerciser: manager, legalAuthority: periods[0]?.legalAuthority ?? null });
        }
      } else if (e.type === 'restriction') {
        rec.restrictions.push({ code: `R${pad(rec.restrictions.length + 1, 2)}`, text: 'The RTO must not issue AQF certification documents for the listed qualifications.', start: day(e.at), end: null });
      }
    }
    return rec;
  }

  // ---------------------------------------------------------------- scope
  // Explicit scope of organisation i: qualification, unit and skill-set indices (base + scope events).
  scopePlan(i, { base = false } = {}) {
    const s = this.orgState(i);
    if (!s.isRto) return { quals: [], units: [], skills: [], added: [] };
    const r = rng(this.seed, H.SCOPE, i);
    const { min, alpha, max } = this.cfg.scope;
    const P = this.pkgs.length;
    let q = Math.floor(min * Math.pow(1 - r(), -1 / alpha));
    q = Math.min(q, max, Math.floor(this.nq * 0.6));
    if (s.cls === 'past') q = Math.max(1, Math.floor(q / 2));
    if (s.born >= 2) q = 1 + r.int(4);
    const weights = this.pkgs.map((p) => p.weight);
    const focus = [];
    for (let k = Math.min(P, 1 + Math.floor(q / 5)); k > 0; k--) {
      const f = r.weighted(weights);
      focus.push(f);
      weights[f] = 0;
    }
    const pickQual = (rr) => {
      const p = focus[rr.int(focus.length)];
      const j = rr.int(this.qOff[p + 1] - this.qOff[p]);
      const g = this.qOff[p] + j;
      return this.qualHasSuccessor(p, j) && rr.chance(0.7) ? g + 1 : g; // mostly the newest version
    };
    const quals = new Set();
    for (let t = 0; quals.size < q && t < q * 4; t++) quals.add(pickQual(r));
    const units = new Set();
    for (let k = r.int(q < 5 ? 8 : 4); k > 0; k--) { const p = focus[r.int(focus.length)]; units.add(this.uOff[p] + r.int(this.uOff[p + 1] - this.uOff[p])); }
    const skills = new Set();
    for (let k = r.int(3); k > 0; k--) { const p = focus[r.int(focus.length)]; if (this.sOff[p + 1] > this.sOff[p]) skills.add(this.sOff[p] + r.int(this.sOff[p + 1] - this.sOff[p])); }
    const added = [];
    for (const e of base ? [] : s.events) {
      if (e.type !== 'scope') continue;
      const er = rng(this.seed, H.SCOPEADD, i, e.v);
      for (let k = 1 + er.int(2); k > 0; k--) { const g = pickQual(er); if (!quals.has(g)) { quals.add(g); added.push({ g, at: e.at }); } }
    }
    return { quals: [...quals].sort((a, b) => a - b), units: [...units].sort((a, b) => a - b), skills: [...skills].sort((a, b) => a - b), added };
  }

  // Unit intervals [from, to) in global unit index space covered by a qualification's grid.
  gridIntervals(g) {
    const out = [];
    for (const w of this.qualWindows(g)) {
      const base = this.uOff[w.p], n = this.uOff[w.p + 1] - base, s = w.start % n;
      if (s + w.len <= n) out.push([base + s, base + s + w.len]);
      else out.push([base + s, base + n], [base, base + s + w.len - n]);
    }
    return out;
  }

  /** Number of scope rows organisation `code` has (explicit + implicit), without building them. */
  scopeCount(code) {
    const i = typeof code === 'number' ? code : this.orgIndex(code);
    if (i < 0) return 0;
    const plan = this.scopePlan(i);
    const iv = plan.quals.flatMap((g) => this.gridIntervals(g)).sort((a, b) => a[0] - b[0]);
    const merged = [];
    for (const [a, b] of iv) {
      const last = merged.at(-1);
      if (last && a <= last[1]) last[1] = Math.max(last[1], b); else merged.push([a, b]);
    }
    let implicit = merged.reduce((t, [a, b]) => t + b - a, 0);
    const inside = (u) => { let lo = 0, hi = merged.length - 1; while (lo <= hi) { const m = (lo + hi) >> 1; if (u < merged[m][0]) hi = m - 1; else if (u >= merged[m][1]) lo = m + 1; else return true; } return false; };
    for (const u of plan.units) if (inside(u)) implicit--; // an explicit unit is listed once, explicitly
    return plan.quals.length + plan.skills.length + plan.units.length + implicit;
  }

  /**
   * Scope rows of organisation `code`: explicit qualifications, skill sets and units, then the
   * implicit units of every scoped qualification's unit grid (each unit once). Null if unknown.
   * Row: { code, type, isImplicit, isRefused, extent ('01' deliver and assess | '02' assess only), start, end }.
   */
  scope(code) {
    const i = this.orgIndex(code);
    if (i < 0 || this.orgState(i).deletedAt != null) return null;
    return this.memo.scope(`${i}`, () => {
      const s = this.orgState(i), plan = this.scopePlan(i), rec = this.organisation(code);
      const r = rng(this.seed, H.SCOPE, i, 1);
      const regStart = s.regStart ?? s.created;
      const lastPeriod = rec.registrationPeriods.at(-1);
      const regEnd = s.active ? null : lastPeriod?.end ?? null;
      const addedAt = new Map(plan.added.map((a) => [a.g, a.at]));
      const row = (code, type, created, extra = {}) => {
        let start = Math.max(regStart, day(created));
        if (regEnd != null && start > regEnd) start = regStart;
        return { code, type, isImplicit: false, isRefused: false, extent: r.chance(0.05) ? '02' : '01', start, end: regEnd, ...extra };
      };
      const rows = [], explicitUnits = new Set(plan.units);
      const qualRows = plan.quals.map((g) => {
        const c = this.qualCore(g);
        return row(c.code, 'Qualification', addedAt.has(g) ? addedAt.get(g) : c.created);
      });
      rows.push(...qualRows);
      for (const sk of plan.skills) { const c = this.skillCore(sk); rows.push(row(c.code, 'SkillSet', c.created)); }
      for (const u of plan.units) { const c = this.unitCore(u); rows.push(row(c.code, 'Unit', c.created)); }
      const seen = new Set(explicitUnits);
      plan.quals.forEach((g, k) => {
        const parent = qualRows[k];
        for (const [a, b] of this.gridIntervals(g)) {
          for (let u = a; u < b; u++) {
            if (seen.has(u)) continue;
            seen.add(u);
            rows.push({ code: this.unitCode(u), type: 'Unit', isImplicit: true, isRefused: false, extent: parent.extent, start: parent.start, end: parent.end });
          }
        }
      });
      return rows;
    });
  }

  /** Total scope rows across live organisations (scans every organisation: ~1 s at full size). */
  scopeRowTotal() {
    let t = 0;
    for (const i of this.liveOrgIndices()) t += this.scopeCount(i);
    return t;
  }

  // ---------------------------------------------------------------- qualifications
  // Local index j in a package's block ↔ (lineage, version): lineages go in threes, the first of
  // each three having two versions (v0 superseded by v1), so j = 4c + r maps to lineage 3c + [0,0,1,2][r].
  qualSlot(j) {
    const c = Math.floor(j / 4), r = j % 4;
    return { lineage: 3 * c + [0, 0, 1, 2][r], ver: r === 1 ? 1 : 0 };
  }
  qualLocal(lineage, ver) {
    const c = Math.floor(lineage / 3), m = lineage % 3;
    if (ver === 1 && m !== 0) return -1;
    return 4 * c + (m === 0 ? ver : m + 1);
  }
  qualHasSuccessor(p, j) {
    const { lineage, ver } = this.qualSlot(j);
    return ver === 0 && lineage % 3 === 0 && j + 1 < this.qOff[p + 1] - this.qOff[p];
  }
  qualLevelSeq(lineage) {
    const pos = lineage % 10, level = LEVEL_CYCLE[pos];
    const occ = LEVEL_CYCLE.slice(0, pos).filter((l) => l === level).length;
    return { level, seq: Math.floor(lineage / 10) * 2 + occ + 1 };
  }
  qualYear(p, lineage, ver) {
    const h = hash(this.seed, H.QYEAR, p, lineage);
    if (lineage % 3 !== 0) return 2013 + (h % 12);
    const y0 = 2012 + (h % 9);
    return ver === 0 ? y0 : y0 + 3 + ((h >>> 8) % 3);
  }

  /** Codes, dates and status of qualification g (base or added by a supersession), cheap. */
  qualCore(g) {
    return this.memo.state(`q${g}`, () => {
      if (g >= this.nq) return this.addedQualCore(g);
      const p = block(this.qOff, g), pkg = this.pkgs[p], j = g - this.qOff[p];
      const { lineage, ver } = this.qualSlot(j);
      const { level, seq } = this.qualLevelSeq(lineage);
      const year = this.qualYear(p, lineage, ver);
      const r = rng(this.seed, H.QUAL, g);
      const created = Date.UTC(year, r.int(12), r.range(1, 28), r.range(0, 23), r.int(60), r.int(60));
      const releases = this.releaseDates(r, created);
      const succ = this.qualHasSuccessor(p, j) ? g + 1 : null;
      let supersededAt = null, deletedAt = null;
      if (succ != null) supersededAt = Math.max(this.qualCoreCreated(p, lineage, 1), created + 30 * DAY);
      else if (year <= 2018 && unit(this.seed, H.QDEL, g) < 0.08) deletedAt = Math.min(addYears(created, r.range(3, 6)), this.base - 30 * DAY);
      return {
        kind: 'qualification', g, p, pkg, j, lineage, ver, level, seq, year, code: `${pkg.code}${level}${pad(seq, 2)}${pad(year % 100, 2)}`,
        created, releases, succ, pred: ver === 1 ? g - 1 : null, supersededAt, deletedAt,
        updated: this.updatedAfter(r, [releases.at(-1), supersededAt, deletedAt]),
      };
    });
  }
  qualCoreCreated(p, lineage, ver) {
    const j = this.qualLocal(lineage, ver);
    const g = this.qOff[p] + j;
    const r = rng(this.seed, H.QUAL, g);
    const year = this.qualYear(p, lineage, ver);
    return Date.UTC(year, r.int(12), r.range(1, 28), r.range(0, 23), r.int(60), r.int(60));
  }
  releaseDates(r, created) {
    const out = [created];
    for (const p of [0.5, 0.2]) {
      const next = out.at(-1) + r.range(60, 700) * DAY;
      if (!r.chance(p) || next > this.base - 10 * DAY) break;
      out.push(next);
    }
    return out;
  }
  updatedAfter(r, dates) {
    const last = Math.max(...dates.filter((d) => d != null));
    return Math.min(last + r.range(1, 20) * DAY + r.int(DAY), this.base - 3_600_000 - r.int(DAY));
  }

  // Supersessions made in versions 2..n create new qualification codes (next year's version of the lineage).
  setupAddedQualifications() {
    this.addedQuals = [];
    this.addedQualByCode = new Map();
    if (this.version < 2) return;
    for (let g = 0; g < this.nq; g++) {
      const e = this.componentEvents('qualification', g).find((x) => x.type === 'supersede');
      if (e) this.addedQuals.push({ pred: g, v: e.v, at: e.at });
    }
    this.addedQuals.sort((a, b) => a.v - b.v || a.pred - b.pred);
    this.addedQuals.forEach((a, t) => {
      const c = this.qualCore(a.pred);
      const year = Math.max(new Date(a.at).getUTCFullYear(), c.year + 1);
      a.code = `${c.pkg.code}${c.level}${pad(c.seq, 2)}${pad(year % 100, 2)}`;
      a.year = year;
      this.addedQualByCode.set(a.code, this.nq + t);
    });
  }
  addedQualCore(g) {
    const a = this.addedQuals[g - this.nq];
    if (!a) return null;
    const c = this.qualCore(a.pred);
    return {
      ...c, g, ver: c.ver + 1, year: a.year, code: a.code, created: a.at, releases: [a.at], succ: null, pred: a.pred,
      supersededAt: null, deletedAt: null, updated: a.at, addedIn: a.v,
    };
  }

  // Windows of a qualification's unit grid: core and elective windows in its own package, and
  // sometimes a few units imported from another package. Successive versions shift slightly.
  qualWindows(g) {
    const c = this.qualCore(g);
    return this.memo.grid(`w${g}`, () => {
      const r = rng(this.seed, H.GRID, c.p, c.lineage), P = this.pkgs.length;
      const n = this.uOff[c.p + 1] - this.uOff[c.p];
      const shift = c.ver + (c.addedIn ? 1 : 0);
      const core = Math.max(1, Math.min(3 + r.int(10), Math.floor(n / 4)));
      const elective = Math.max(1, Math.min(6 + r.int(12) + r.int(c.level >= 5 ? 40 : 20), Math.floor(n / 2)));
      const out = [{ p: c.p, start: r.int(n) + shift, len: core, core: true }, { p: c.p, start: r.int(n) + 2 * shift, len: elective, core: false }];
      if (P > 1 && r.chance(0.5)) {
        const q = (c.p + 1 + r.int(P - 1)) % P, nq = this.uOff[q + 1] - this.uOff[q];
        out.push({ p: q, start: r.int(nq), len: Math.max(1, Math.min(2 + r.int(6), Math.floor(nq / 4))), core: false });
      }
      return out;
    });
  }

  /** Unit grid of qualification g: [{ code, title, isEssential }] (core first, each unit once). */
  qualGrid(g) {
    const seen = new Set(), out = [];
    for (const w of this.qualWindows(g)) {
      const base = this.uOff[w.p], n = this.uOff[w.p + 1] - base;
      for (let k = 0; k < w.len; k++) {
        const u = base + ((w.start + k) % n);
        if (seen.has(u)) continue;
        seen.add(u);
        out.push({ code: this.unitCode(u), title: this.unitTitle(u), isEssential: w.core });
      }
    }
    return out;
  }

  qualTitle(c) {
    const subj = c.pkg.subjects, k = hash(this.seed, H.TITLE, c.p, c.lineage);
    const spec = ['', ' (Operations)', ' (Supervision)', ' (Specialist)', ' (Technical)', ' (Industry Practice)', ' (Advanced Practice)'];
    return `${AQF[c.level][0]} ${subj[k % subj.length]}${spec[Math.floor(c.lineage / subj.length) % spec.length]}`;
  }

  // ---------------------------------------------------------------- units
  unitAt(u) {
    const p = block(this.uOff, u), pkg = this.pkgs[p], j = u - this.uOff[p], F = pkg.fields.length;
    const f = j % F, k = Math.floor(j / F);
    return { p, pkg, j, F, field: pkg.fields[f], level: 1 + (k % 6), seq: 1 + Math.floor(k / 6) };
  }
  unitCode(u) { const a = this.unitAt(u); return `${a.pkg.code}${a.field}${a.level}${pad(a.seq, 2)}`; }
  unitTitle(u) {
    const a = this.unitAt(u), h = hash(this.seed, H.TITLE, 1000 + a.p, a.j);
    return `${UNIT_VERBS[a.level][h % UNIT_VERBS[a.level].length]} ${FIELDS[a.field] ?? 'workplace'}${UNIT_SUFFIX[(h >>> 8) % UNIT_SUFFIX.length]}`;
  }
  unitSupersededBy(u) { // odd-numbered units are sometimes superseded by the next number in their field and level
    const a = this.unitAt(u), next = a.j + 6 * a.F;
    if (a.seq % 2 === 1 && next < this.uOff[a.p + 1] - this.uOff[a.p] && unit(this.seed, H.USUP, u) < 0.35) return u + 6 * a.F;
    return null;
  }
  unitCore(u) {
    return this.memo.state(`u${u}`, () => {
      const a = this.unitAt(u), r = rng(this.seed, H.UNIT, u);
      const created = Date.UTC(2010 + r.int(15), r.int(12), r.range(1, 28), r.range(0, 23), r.int(60), r.int(60));
      const releases = this.releaseDates(r, created);
      const succ = this.unitSupersededBy(u);
      const predU = a.seq % 2 === 0 ? u - 6 * a.F : null;
      const pred = predU != null && predU >= this.uOff[a.p] && this.unitSupersededBy(predU) === u ? predU : null;
      let supersededAt = null, deletedAt = null;
      if (succ != null) supersededAt = Math.min(created + r.range(200, 1500) * DAY, this.base - 20 * DAY);
      else if (unit(this.seed, H.UDEL, u) < 0.02) deletedAt = Math.min(addYears(created, r.range(2, 5)), this.base - 30 * DAY);
      return { kind: 'unit', g: u, ...a, code: this.unitCode(u), created, releases, succ, pred, supersededAt, deletedAt,
        updated: this.updatedAfter(r, [releases.at(-1), supersededAt, deletedAt]) };
    });
  }

  // ---------------------------------------------------------------- skill sets and packages
  skillAt(s) {
    const p = block(this.sOff, s), pkg = this.pkgs[p], j = s - this.sOff[p];
    const n = 1 + j * 2 + (hash(this.seed, H.SKILL, p, j) % 2);
    return { p, pkg, j, n, code: `${pkg.code}SS${pad(n, 5)}` };
  }
  skillCore(s) {
    return this.memo.state(`s${s}`, () => {
      const a = this.skillAt(s), r = rng(this.seed, H.SKILL, s);
      const created = Date.UTC(2014 + r.int(11), r.int(12), r.range(1, 28), r.range(0, 23), r.int(60), r.int(60));
      const releases = this.releaseDates(r, created);
      const hasNext = a.j + 1 < this.sOff[a.p + 1] - this.sOff[a.p];
      const succ = hasNext && unit(this.seed, H.SSUP, s) < 0.1 ? s + 1 : null;
      const pred = a.j > 0 && unit(this.seed, H.SSUP, s - 1) < 0.1 ? s - 1 : null;
      const supersededAt = succ != null ? Math.min(created + r.range(200, 1500) * DAY, this.base - 20 * DAY) : null;
      return { kind: 'skillSet', g: s, ...a, created, releases, succ, pred, supersededAt, deletedAt: null,
        updated: this.updatedAfter(r, [releases.at(-1), supersededAt]) };
    });
  }
  skillTitle(s) {
    const a = this.skillAt(s), f = a.pkg.fields[hash(this.seed, H.TITLE, 2000 + a.p, a.j) % a.pkg.fields.length];
    return `${cap(FIELDS[f] ?? 'workplace')} Skill Set`;
  }
  packageCore(p) {
    return this.memo.state(`p${p}`, () => {
      const pkg = this.pkgs[p], r = rng(this.seed, H.TP, p);
      const created = Date.UTC(2010 + r.int(6), r.int(12), r.range(1, 28), 1);
      const releases = [created];
      for (let k = r.range(1, 8); k > 0; k--) { const d = releases.at(-1) + r.range(120, 500) * DAY; if (d > this.base - 10 * DAY) break; releases.push(d); }
      return { kind: 'trainingPackage', g: p, p, pkg, code: pkg.code, created, releases, succ: null, pred: null, supersededAt: null, deletedAt: null,
        updated: this.updatedAfter(r, [releases.at(-1)]) };
    });
  }

  // ---------------------------------------------------------------- components: shared
  counts0() { return { trainingPackage: this.pkgs.length, qualification: this.nq, unit: this.nu, skillSet: this.ns }; }
  core(kind, g) {
    switch (kind) {
      case 'trainingPackage': return this.packageCore(g);
      case 'qualification': return this.qualCore(g);
      case 'unit': return this.unitCore(g);
      case 'skillSet': return this.skillCore(g);
      default: throw new Error(`unknown component kind ${kind}`);
    }
  }

  // Changes to component g in versions 2..n. A supersession or logical deletion needs a current
  // component; otherwise the draw becomes a plain new release.
  componentEvents(kind, g) {
    const bands = { trainingPackage: TP_BANDS, qualification: QUAL_BANDS, unit: UNIT_BANDS, skillSet: SKILL_BANDS }[kind];
    const out = [];
    if (kind === 'qualification' && g >= this.nq) return out;
    let c = null;
    for (let v = 2; v <= this.version; v++) {
      let type = band(bands, unit(this.seed, H.EVT, KIND[kind], g, v), this.churn);
      if (!type) continue;
      c ??= this.core(kind, g);
      const current = c.succ == null && c.deletedAt == null && !out.some((e) => e.type === 'supersede' || e.type === 'deleteLogical');
      if ((type === 'supersede' || type === 'deleteLogical') && !current) type = 'release';
      out.push({ v, type, at: this.changeAt(KIND[kind], g, v) });
      if (type === 'delete') break;
    }
    return out;
  }

  /** Status and dates of a component at this version: { code, type, usage, created, updated, ... }. */
  componentState(kind, g) {
    const c = this.core(kind, g);
    if (!c) return null;
    const events = this.componentEvents(kind, g);
    let usage = c.succ != null ? 'Superseded' : c.deletedAt != null ? 'Deleted' : 'Current';
    let { updated, supersededAt, deletedAt } = c;
    let physicallyDeletedAt = null, succCode = c.succ != null ? this.core(kind, c.succ).code : null;
    const releases = [...c.releases];
    for (const e of events) {
      updated = e.at;
      if (e.type === 'delete') { physicallyDeletedAt = e.at; break; }
      if (e.type === 'release') releases.push(e.at);
      if (e.type === 'deleteLogical') { usage = 'Deleted'; deletedAt = e.at; }
      if (e.type === 'supersede') {
        usage = 'Superseded'; supersededAt = e.at;
        succCode = this.addedQuals.find((a) => a.pred === g)?.code ?? null;
      }
    }
    return { ...c, type: COMPONENT_TYPES[kind], events, usage, updated, supersededAt, deletedAt, physicallyDeletedAt, succCode, releases };
  }

  componentIndex(code) {
    const s = String(code ?? '').trim().toUpperCase();
    let m;
    if ((m = /^([A-Z]{3})$/.exec(s))) {
      const p = this.pkgByCode.get(m[1]);
      return p ? { kind: 'trainingPackage', g: p.i } : null;
    }
    if ((m = /^([A-Z]{3})([1-8])(\d{2})(\d{2})$/.exec(s))) {
      if (this.addedQualByCode.has(s)) return { kind: 'qualification', g: this.addedQualByCode.get(s) };
      const p = this.pkgByCode.get(m[1]);
      if (!p) return null;
      const level = Number(m[2]), seq = Number(m[3]);
      const positions = LEVEL_CYCLE.map((l, k) => (l === level ? k : -1)).filter((k) => k >= 0);
      const pos = positions[(seq - 1) % 2];
      if (pos === undefined) return null;
      const lineage = Math.floor((seq - 1) / 2) * 10 + pos;
      for (const ver of [0, 1]) {
        const j = this.qualLocal(lineage, ver);
        if (j < 0 || j >= this.qOff[p.i + 1] - this.qOff[p.i]) continue;
        if (this.qualCore(this.qOff[p.i] + j).code === s) return { kind: 'qualification', g: this.qOff[p.i] + j };
      }
      return null;
    }
    if ((m = /^([A-Z]{3})SS(\d{5})$/.exec(s))) {
      const p = this.pkgByCode.get(m[1]);
      if (!p) return null;
      const j = Math.floor((Number(m[2]) - 1) / 2);
      if (j >= this.sOff[p.i + 1] - this.sOff[p.i]) return null;
      const g = this.sOff[p.i] + j;
      return this.skillAt(g).code === s ? { kind: 'skillSet', g } : null;
    }
    if ((m = /^([A-Z]{3})([A-Z]{3})([1-6])(\d{2})$/.exec(s))) {
      const p = this.pkgByCode.get(m[1]);
      const f = p ? p.fields.indexOf(m[2]) : -1;
      if (f < 0) return null;
      const j = ((Number(m[4]) - 1) * 6 + Number(m[3]) - 1) * p.fields.length + f;
      return j < this.uOff[p.i + 1] - this.uOff[p.i] ? { kind: 'unit', g: this.uOff[p.i] + j } : null;
    }
    return null;
  }

  liveComponentIndices(kind) {
    this._liveComp ??= {};
    return (this._liveComp[kind] ??= (() => {
      const n = this.counts0()[kind], out = [];
      for (let g = 0; g < n; g++) if (!this.componentEvents(kind, g).some((e) => e.type === 'delete')) out.push(g);
      if (kind === 'qualification') for (let t = 0; t < this.addedQuals.length; t++) out.push(this.nq + t);
      return Int32Array.from(out);
    })());
  }

  /** Full training component record by code (null when unknown or physically deleted). */
  component(code) {
    const at = this.componentIndex(code);
    if (!at) return null;
    const s = this.componentState(at.kind, at.g);
    if (!s || s.physicallyDeletedAt != null) return null;
    return this.buildComponent(at.kind, at.g, s);
  }

  componentTitle(kind, g) {
    switch (kind) {
      case 'trainingPackage': return this.pkgs[g].title;
      case 'qualification': return this.qualTitle(this.qualCore(g));
      case 'unit': return this.unitTitle(g);
      default: return this.skillTitle(g);
    }
  }

  /** Summary used by searches: { code, type, title, created, updated, usage, isCurrent }. */
  componentSummary(kind, g) {
    const s = this.componentState(kind, g);
    return { code: s.code, type: s.type, title: this.componentTitle(kind, g), created: s.created, updated: s.updated, usage: s.usage, isCurrent: s.usage === 'Current' };
  }

  buildComponent(kind, g, s) {
    const title = this.componentTitle(kind, g);
    const usageRecommendations = [{ state: 'Current', start: day(s.created), end: s.supersededAt ?? s.deletedAt ? day(s.supersededAt ?? s.deletedAt) : null }];
    if (s.usage === 'Superseded') usageRecommendations.push({ state: 'Superseded', start: day(s.supersededAt), end: null });
    if (s.usage === 'Deleted') usageRecommendations.push({ state: 'Deleted', start: day(s.deletedAt), end: null });
    let grid = null;
    if (kind === 'qualification') grid = this.qualGrid(g);
    if (kind === 'skillSet') {
      const base = this.uOff[s.p], n = this.uOff[s.p + 1] - base, gr = rng(this.seed, H.GRID, 5000 + s.p, s.j), st = gr.int(n);
      grid = Array.from({ length: Math.min(n, 2 + gr.int(5)) }, (_, k) => { const u = base + ((st + k) % n); return { code: this.unitCode(u), title: this.unitTitle(u), isEssential: true }; });
    }
    const components = kind === 'trainingPackage' ? this.packageComponents(g) : null;
    const releases = s.releases.map((d, k) => ({
      number: kind === 'trainingPackage' ? `${k + 1}.0` : String(k + 1), date: day(d),
      currency: k === s.releases.length - 1 ? 'Current' : 'Superseded',
      files: [{ path: `${s.code}_R${k + 1}.pdf`, size: 40_000 + (hash(this.seed, g, k) % 400_000) }, { path: `${s.code}_R${k + 1}.docx`, size: 30_000 + (hash(this.seed, g, k, 1) % 200_000) }],
      unitGrid: grid, components: k === s.releases.length - 1 ? components : components && [],
    }));
    const mappings = [];
    // Drawn from the pair, so the old and the new component show the same mapping.
    const mapping = (oldCode, oldTitle, newCode, newTitle) => {
      const eq = dropShare(`${oldCode}>${newCode}`) < (kind === 'unit' ? 0.6 : 0.3);
      mappings.push({ code: oldCode, title: oldTitle, mapsToCode: newCode, mapsToTitle: newTitle, isEquivalent: eq,
        notes: dropShare(`${newCode}<${oldCode}`) < 0.1 ? null : eq ? `Supersedes and is equivalent to ${oldCode}.` : `Supersedes and is not equivalent to ${oldCode}. Updated to meet the Standards for Training Packages.` });
    };
    if (s.pred != null) mapping(this.core(kind, s.pred).code, this.componentTitle(kind, s.pred), s.code, title);
    if (s.usage === 'Superseded' && s.succCode) {
      const next = this.componentIndex(s.succCode);
      mapping(s.code, title, s.succCode, next ? this.componentTitle(next.kind, next.g) : title);
    }
    const cr = rng(this.seed, H.MAP, 100 + KIND[kind], g);
    const classifications = [];
    if (kind === 'qualification') {
      classifications.push({ purposeCode: 'PRI', schemeCode: '01', valueCode: `${cr.range(1, 8)}${pad(cr.int(100000), 5)}`, start: day(s.created) });
      classifications.push({ purposeCode: 'PRI', schemeCode: '05', valueCode: AQF[s.level][1], start: day(s.created) });
    }
    if (kind !== 'trainingPackage') classifications.push({ purposeCode: 'PRI', schemeCode: '04', valueCode: s.pkg.asced, start: day(s.created) });
    return {
      code: s.code, type: s.type, kind, title, parentCode: kind === 'trainingPackage' ? null : s.pkg.code, parentTitle: kind === 'trainingPackage' ? null : s.pkg.title,
      level: s.level ?? null, created: s.created, updated: s.updated, usage: s.usage, isCurrent: s.usage === 'Current', isConfidential: false,
      usageRecommendations, releases, mappings, classifications,
      currencyPeriods: [{ start: day(s.created), end: s.usage === 'Current' ? null : day(s.supersededAt ?? s.deletedAt), authority: 'Australian Industry and Skills Committee' }],
    };
  }

  packageComponents(p) {
    const out = [];
    const add = (kind, from, to) => {
      for (let g = from; g < to; g++) {
        const s = this.componentState(kind, g);
        if (s.physicallyDeletedAt != null) continue;
        out.push({ code: s.code, title: this.componentTitle(kind, g), type: s.type, releaseNumber: String(s.releases.length), releaseDate: isoDate(s.releases.at(-1)), releaseCurrency: 'Current' });
      }
    };
    add('qualification', this.qOff[p], this.qOff[p + 1]);
    add('skillSet', this.sOff[p], this.sOff[p + 1]);
    add('unit', this.uOff[p], this.uOff[p + 1]);
    return out;
  }

  // ---------------------------------------------------------------- listings
  /** Live entities per kind (organisation, trainingPackage, qualification, unit, skillSet). */
  count(kind) { return kind === 'organisation' ? this.liveOrgIndices().length : this.liveComponentIndices(kind).length; }

  /** Codes of live entities of `kind`, in index order, for paging: codes(kind, offset, limit). */
  codes(kind, offset = 0, limit = Infinity) {
    const idx = kind === 'organisation' ? this.liveOrgIndices() : this.liveComponentIndices(kind);
    const out = [];
    for (let k = offset; k < Math.min(idx.length, offset + limit); k++) out.push(kind === 'organisation' ? this.orgCode(idx[k]) : this.core(kind, idx[k]).code);
    return out;
  }

  /** Counts per entity (live at this version). CRICOS counts are the four resources' row totals. */
  counts() {
    return this._counts ??= (() => {
      let rtos = 0, currentRtos = 0;
      for (const i of this.liveOrgIndices()) { const s = this.orgState(i); if (s.isRto) { rtos++; if (s.active) currentRtos++; } }
      const c = { organisations: this.count('organisation'), rtos, currentRtos };
      for (const k of Object.keys(COMPONENT_TYPES)) c[`${k}s`] = this.count(k);
      c.components = c.trainingPackages + c.qualifications + c.units + c.skillSets;
      c.cricos = this.cricos.counts();
      return c;
    })();
  }

  /**
   * Records updated in [start, end) (ms or ISO; null = open), oldest first then by code:
   * kind 'organisation' → [{ code, index, updated }]; kind 'component' → [{ code, kind, index, updated }]
   * restricted to `types` (component kinds; default all).
   */
  modified(kind, { start = null, end = null, types = null } = {}) {
    const lo = start == null ? -Infinity : +new Date(start), hi = end == null ? Infinity : +new Date(end);
    const key = `${kind}|${lo}|${hi}|${types ? [...types].sort().join(',') : '*'}`;
    return this.memo.modified(key, () => {
      const out = [];
      if (kind === 'organisation') {
        for (const i of this.liveOrgIndices()) { const u = this.orgState(i).updated; if (u >= lo && u < hi) out.push({ code: this.orgCode(i), index: i, updated: u }); }
      } else {
        for (const k of types ?? Object.keys(COMPONENT_TYPES)) {
          for (const g of this.liveComponentIndices(k)) {
            const s = this.componentState(k, g);
            if (s.updated >= lo && s.updated < hi) out.push({ code: s.code, kind: k, index: g, updated: s.updated });
          }
        }
      }
      return out.sort((a, b) => a.updated - b.updated || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    });
  }

  /**
   * Tombstones dated in [start, end): [{ code, operation: 'PhysicalDelete'|'LogicalDelete', at }].
   * Historic ones (before version 1) name codes that no longer exist; later ones come from this version's changes.
   */
  deleted(kind, { start = null, end = null } = {}) {
    const lo = start == null ? -Infinity : +new Date(start), hi = end == null ? Infinity : +new Date(end);
    const out = [];
    const add = (code, operation, at) => { if (at >= lo && at < hi) out.push({ code, operation, at }); };
    if (kind === 'organisation') {
      for (let t = 0; t < this.orgTombs; t++) add(this.orgCode(this.no + t), 'PhysicalDelete', this.base - (30 + (hash(this.seed, H.TOMB, t) % 3000)) * DAY - (hash(this.seed, H.TOMB, t, 1) % DAY));
      const added = this.orgAddedPerVersion * (this.version - 1);
      const scan = (i) => { for (const e of this.orgEvents(i)) if (e.type === 'delete') add(this.orgCode(i), 'PhysicalDelete', e.at); };
      for (let i = 0; i < this.no; i++) scan(i);
      for (let t = 0; t < added; t++) scan(this.no + this.orgTombs + t);
    } else {
      const P = this.pkgs.length;
      for (let t = 0; t < this.compTombs; t++) {
        const p = t % P, j = this.uOff[p + 1] - this.uOff[p] + Math.floor(t / P), pkg = this.pkgs[p], F = pkg.fields.length;
        const k = Math.floor(j / F);
        add(`${pkg.code}${pkg.fields[j % F]}${1 + (k % 6)}${pad(1 + Math.floor(k / 6), 2)}`, 'PhysicalDelete',
          this.base - (30 + (hash(this.seed, H.TOMB, 7, t) % 3000)) * DAY - (hash(this.seed, H.TOMB, 7, t, 1) % DAY));
      }
      for (const k of ['trainingPackage', 'qualification', 'unit', 'skillSet']) {
        const n = this.counts0()[k];
        for (let g = 0; g < n; g++) {
          for (const e of this.componentEvents(k, g)) {
            if (e.type === 'delete') add(this.core(k, g).code, 'PhysicalDelete', e.at);
            if (e.type === 'deleteLogical') add(this.core(k, g).code, 'LogicalDelete', e.at);
          }
        }
      }
    }
    return out.sort((a, b) => a.at - b.at || (a.code < b.code ? -1 : 1));
  }

  /**
   * What changed in versions (from, this.version]: codes added, changed (any other change) and
   * deleted, per organisation / component / CRICOS course, plus the change type of each.
   */
  changes(from = this.version - 1) {
    const orgs = { added: [], changed: [], deleted: [], types: {} };
    const added = this.orgAddedPerVersion * (this.version - 1);
    const all = [...Array(this.no).keys(), ...Array.from({ length: added }, (_, t) => this.no + this.orgTombs + t)];
    for (const i of all) {
      const code = this.orgCode(i), born = this.orgBorn(i);
      const evs = this.orgEvents(i).filter((e) => e.v > from);
      if (born > from) { if (!evs.some((e) => e.type === 'delete')) orgs.added.push(code); continue; }
      if (!evs.length) continue;
      if (evs.some((e) => e.type === 'delete')) orgs.deleted.push(code); else orgs.changed.push(code);
      orgs.types[code] = evs.map((e) => e.type);
    }
    const comps = { added: this.addedQuals.filter((a) => a.v > from).map((a) => a.code), changed: [], deleted: [], types: {} };
    for (const k of Object.keys(COMPONENT_TYPES)) {
      const n = this.counts0()[k];
      for (let g = 0; g < n; g++) {
        const evs = this.componentEvents(k, g).filter((e) => e.v > from);
        if (!evs.length) continue;
        const code = this.core(k, g).code;
        if (evs.some((e) => e.type === 'delete')) comps.deleted.push(code); else comps.changed.push(code);
        comps.types[code] = evs.map((e) => e.type);
      }
    }
    return { organisations: orgs, components: comps, cricos: this.cricos.changes(from), window: { start: this.asOf(from), end: this.asOf() } };
  }

  componentKindOfType(type) { return KIND_OF_TYPE[type]; }
}
