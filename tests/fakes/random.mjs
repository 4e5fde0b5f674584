// Deterministic randomness keyed by integers: every record is derived from hash(seed, kind, index, ...),
// so any record can be rebuilt alone, in any order, identically.

function fmix(h) {
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A 32-bit hash of integer keys. */
export function hash(...keys) {
  let h = 0x811c9dc5;
  for (const k of keys) h = fmix((h ^ fmix((k | 0) + 0x9e3779b9)) + 0x7f4a7c15);
  return h;
}

/** A uniform number in [0, 1) for integer keys. */
export const unit = (...keys) => hash(...keys) / 4294967296;

/** A mulberry32 stream seeded by integer keys, with small helpers. */
export function rng(...keys) {
  let a = hash(...keys);
  const r = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  r.int = (n) => Math.floor(r() * n);
  r.range = (lo, hi) => lo + Math.floor(r() * (hi - lo + 1)); // inclusive
  r.pick = (arr) => arr[Math.floor(r() * arr.length)];
  r.chance = (p) => r() < p;
  r.weighted = (weights) => {
    let t = r() * weights.reduce((s, w) => s + w, 0);
    for (let i = 0; i < weights.length; i++) if ((t -= weights[i]) < 0) return i;
    return weights.length - 1;
  };
  return r;
}

/**
 * Splits `total` into integer parts proportional to `weights`, each at least `min` and at most
 * caps[i], summing exactly to `total` (largest remainders first, ties by index: deterministic).
 */
export function allocate(total, weights, { min = 0, caps = null } = {}) {
  const n = weights.length;
  const out = new Int32Array(n).fill(min);
  let left = total - min * n;
  if (left < 0) throw new Error(`allocate: ${total} is less than ${n} × ${min}`);
  const room = (i) => (caps ? caps[i] : Infinity) - out[i];
  while (left > 0) {
    let w = 0;
    for (let i = 0; i < n; i++) if (room(i) > 0) w += weights[i];
    if (w === 0) throw new Error(`allocate: caps leave no room for ${left} more`);
    const fractions = [];
    let given = 0;
    for (let i = 0; i < n; i++) {
      if (room(i) <= 0) continue;
      const share = (left * weights[i]) / w;
      const g = Math.min(room(i), Math.floor(share));
      out[i] += g;
      given += g;
      if (room(i) > 0) fractions.push([share - Math.floor(share), i]);
    }
    left -= given;
    fractions.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    for (const [, i] of fractions) {
      if (left === 0) break;
      out[i]++;
      left--;
    }
  }
  return out;
}

/** Prefix sums (length n + 1) of counts. */
export function prefix(counts) {
  const p = new Int32Array(counts.length + 1);
  for (let i = 0; i < counts.length; i++) p[i + 1] = p[i] + counts[i];
  return p;
}

/** The block b with p[b] <= g < p[b + 1] (binary search over prefix sums). */
export function block(p, g) {
  let lo = 0, hi = p.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (p[mid] <= g) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/** A tiny least-recently-used memo: memo(key, make). */
export function lru(max) {
  const m = new Map();
  return (key, make) => {
    if (m.has(key)) {
      const v = m.get(key);
      m.delete(key);
      m.set(key, v);
      return v;
    }
    const v = make();
    m.set(key, v);
    if (m.size > max) m.delete(m.keys().next().value);
    return v;
  };
}

/** A stable [0, 1) share for a code string: rows with share < fraction are the ones a "fewerRows" fault drops. */
export function dropShare(code) {
  let h = 0;
  for (const ch of String(code)) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return hash(h, 977) / 4294967296;
}
