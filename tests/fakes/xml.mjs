// A small namespace-aware XML reader (enough for SOAP request envelopes) and escaping helpers.
// Elements: { qname, name (local), ns (URI), attrs: { 'ns|local': value }, children, text }.

const ENTITIES = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';

export function decode(s) {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (m, e) => {
    if (e[0] !== '#') return ENTITIES[e] ?? m;
    return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}
export const esc = (s) => String(s).replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);

const TOKEN = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<!DOCTYPE[^>]*>|<\/\s*([^\s>]+)\s*>|<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|(<)/g;
const ATTR = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Parses one XML document; throws on anything malformed (unbalanced tags, unknown prefixes, stray '<'). */
export function parseXml(src) {
  const top = { children: [], text: '', scope: { xml: XML_NS, '': '' } };
  const stack = [];
  let cur = top;
  const resolve = (qname, scope, isAttr) => {
    const c = qname.indexOf(':');
    const prefix = c < 0 ? '' : qname.slice(0, c);
    if (c < 0 && isAttr) return ['', qname];
    if (!(prefix in scope)) throw new Error(`undeclared namespace prefix "${prefix}"`);
    return [scope[prefix], qname.slice(c + 1)];
  };
  for (const m of src.matchAll(TOKEN)) {
    if (m[7]) throw new Error(`malformed XML at offset ${m.index}`);
    if (m[2]) {
      if (cur === top || cur.qname !== m[2]) throw new Error(`unexpected </${m[2]}> at offset ${m.index}`);
      cur = stack.pop();
    } else if (m[3]) {
      const raw = [...(m[4] ?? '').matchAll(ATTR)].map((a) => [a[1], decode(a[2] ?? a[3])]);
      const scope = { ...cur.scope };
      for (const [k, v] of raw) {
        if (k === 'xmlns') scope[''] = v;
        else if (k.startsWith('xmlns:')) scope[k.slice(6)] = v;
      }
      const [ns, name] = resolve(m[3], scope, false);
      const attrs = {};
      for (const [k, v] of raw) {
        if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
        const [ans, local] = resolve(k, scope, true);
        attrs[`${ans}|${local}`] = v;
      }
      const el = { qname: m[3], name, ns, attrs, children: [], text: '', scope };
      if (cur === top && top.children.length) throw new Error('more than one root element');
      cur.children.push(el);
      if (!m[5]) { stack.push(cur); cur = el; }
    } else if (m[1] !== undefined) {
      cur.text += m[1];
    } else if (m[6] !== undefined) {
      if (cur === top) { if (m[6].trim()) throw new Error('text outside the root element'); } else cur.text += decode(m[6]);
    }
  }
  if (stack.length) throw new Error(`unclosed <${cur.qname}>`);
  if (!top.children.length) throw new Error('no root element');
  return top.children[0];
}

/** Child elements of `el` named `name` in namespace `ns` (ns null = any namespace). */
export const kids = (el, ns, name) => (el?.children ?? []).filter((c) => c.name === name && (ns == null || c.ns === ns));
export const kid = (el, ns, name) => kids(el, ns, name)[0] ?? null;
export const attr = (el, ns, name) => el?.attrs[`${ns}|${name}`] ?? null;
