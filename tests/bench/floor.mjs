// The harness's own ceiling for a sync: N outbound fetches from a Worker through Miniflare's
// outboundService to a handler that does no work, `concurrency` in flight (Workers allow six
// open connections), each answered with `bodyBytes`. No sync can be faster under Miniflare
// than this many round trips, whatever its parsing and writes cost.
import { Miniflare } from 'miniflare';

export async function outboundFloor(n, { bodyBytes = 3300, concurrency = 6 } = {}) {
  const body = `<x>${'a'.repeat(Math.max(0, bodyBytes - 7))}</x>`;
  const mf = new Miniflare({
    modules: true,
    script: `export default { async fetch() {
      const n = ${n}; let next = 0, done = 0;
      async function lane() { while (next < n) { next++; const r = await fetch('https://upstream.invalid/', { method: 'POST', body: '<soap/>' }); await r.text(); done++; } }
      await Promise.all(Array.from({ length: ${concurrency} }, lane));
      return new Response(String(done));
    } }`,
    outboundService: () => new Response(body),
  });
  try {
    const t0 = performance.now();
    const done = Number(await (await mf.dispatchFetch('http://localhost/')).text());
    if (done !== n) throw new Error(`outbound floor: ${done} of ${n} fetches`);
    return (performance.now() - t0) / 1000;
  } finally {
    await mf.dispose();
  }
}
