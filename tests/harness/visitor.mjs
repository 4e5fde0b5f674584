// What the browser-surface suites share: a visitor (a cookie jar, an address, forms posted
// with their own CSRF token), the mail outbox read as it fills (mail leaves after the answer,
// in waitUntil), and SEC-02 thresholds out of reach for suites that are not about SEC-02.
import assert from 'node:assert/strict';

/** SEC-02 thresholds no test client reaches (the suite is about something else). */
export const QUIET_SEC02 = {
  SEC02_VELOCITY_AMBER_PER_MINUTE: '100000', SEC02_VELOCITY_RED_PER_MINUTE: '100001',
  SEC02_SEQUENTIAL_AMBER_RUN: '100000', SEC02_SEQUENTIAL_RED_RUN: '100001',
  SEC02_TIMING_AMBER_STREAK: '100000', SEC02_TIMING_RED_STREAK: '100001',
  SEC02_BREADTH_AMBER_GROUPS: '50', SEC02_BREADTH_RED_GROUPS: '51',
  SEC02_AMBER_DELAY_MS: '0', SEC02_AMBER_MAX_DELAY_MS: '0',
};

let visitors = 0;

/**
 * A browser reduced to a cookie jar and an address. `fetch(url, init)` sends a request
 * (the platform's, or one worker's); `origin` is the surface's own (URLs and the POSTs'
 * Origin header). Each visitor has its own address unless given one.
 */
export class Visitor {
  constructor(fetch, origin, { ip = `10.9.${++visitors >> 8}.${visitors & 255}`, userAgent } = {}) {
    this.fetch = fetch;
    this.origin = origin;
    this.ip = ip;
    this.userAgent = userAgent;
    this.jar = new Map();
    this.last = null;
  }

  cookieHeader() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** One request; Set-Cookie lands in the jar (Max-Age=0 removes); HTML pages are kept as `last`. */
  async request(method, path, { body, headers = {} } = {}) {
    const res = await this.fetch(`${this.origin}${path}`, {
      method,
      body,
      redirect: 'manual',
      headers: {
        'CF-Connecting-IP': this.ip,
        ...(this.userAgent ? { 'User-Agent': this.userAgent } : {}),
        ...(this.jar.size ? { Cookie: this.cookieHeader() } : {}),
        ...headers,
      },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      if (attrs.some((a) => /^\s*Max-Age=0\s*$/i.test(a))) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    const text = method === 'HEAD' ? '' : await res.text();
    const page = { status: res.status, headers: res.headers, text, location: res.headers.get('location'), cookies: res.headers.getSetCookie() };
    if (res.headers.get('content-type')?.startsWith('text/html')) this.last = page;
    return page;
  }

  get(path, opts) {
    return this.request('GET', path, opts);
  }

  /** The CSRF token of the form posting to `action` on `page` (default: the last page seen). */
  token(action, page = this.last) {
    const re = new RegExp(`action="${action.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"[^>]*><input type="hidden" name="csrf" value="([^"]*)"`);
    return page?.text.match(re)?.[1];
  }

  /** A same-origin form POST, with the form's own token unless `csrf` says otherwise (null: none). */
  post(action, fields = {}, { csrf = this.token(action), site = 'same-origin', origin = this.origin, headers = {} } = {}) {
    const form = new URLSearchParams({ ...(csrf == null ? {} : { csrf }), ...fields });
    return this.request('POST', action, {
      body: form.toString(),
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        ...(site ? { 'Sec-Fetch-Site': site } : {}),
        ...(origin ? { Origin: origin } : {}),
        ...headers,
      },
    });
  }

  /** Follows a 303. */
  async follow(page) {
    assert.equal(page.status, 303, page.text.slice(0, 300));
    return this.get(page.location);
  }

  session() {
    return this.jar.get('__Host-rtp_session');
  }
}

/** Mails recorded for `email` in ops-db's outbox (`ops`: platform.d1('ops-db')), oldest first. */
export const mailsTo = (ops, email) =>
  ops.all('SELECT * FROM email_outbox WHERE to_addrs = ?1 ORDER BY created_at, rowid', JSON.stringify([email]));

/** Waits until `email` has `count` mails (they are written after the answer, in waitUntil). */
export async function mails(ops, email, count) {
  for (let i = 0; i < 400; i++) {
    const rows = await mailsTo(ops, email);
    if (rows.length >= count) return rows;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`${email}: expected ${count} mails, have ${(await mailsTo(ops, email)).length}`);
}
