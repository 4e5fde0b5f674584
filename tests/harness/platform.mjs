// Miniflare harness: runs the requested workers, with the bindings their own wrangler files
// declare, in ONE Miniflare (service bindings, queues and D1 shared across workers), with
// every D1 migration applied and a settable clock exposed to each worker as TEST_CLOCK.
import { Miniflare, Log, LogLevel } from 'miniflare';
import { listWorkers, loadWorker, d1Databases, routeHosts, WRANGLER_DIR } from './workers.mjs';
import { migrateAll } from './migrate.mjs';

/** Builds the Miniflare options for a set of loaded workers (shared with scripts/dev). */
export function miniflareOptions(workers, { clock, outbound, bindings = {}, extraRoutes = {}, alsoRunning = [] } = {}) {
  // `alsoRunning`: names of plain workers started beside these (extraWorkers), so a binding to one is kept.
  const names = new Set([...workers.map((w) => w.name), ...alsoRunning]);
  return workers.map((w) => {
    const serviceBindings = { ...w.options.serviceBindings };
    for (const [binding, target] of Object.entries(serviceBindings)) {
      const service = typeof target === 'string' ? target : target?.name;
      // A binding to a worker not started here answers 503 instead of failing startup.
      if (typeof service === 'string' && !names.has(service)) {
        serviceBindings[binding] = () => new Response(`${binding}: worker "${service}" is not running`, { status: 503 });
      }
    }
    if (clock) serviceBindings.TEST_CLOCK = clock;
    const routes = [...w.options.routes, ...(extraRoutes[w.stem] ?? [])];
    // Every fetch a worker makes to the outside world goes to `outbound` (the upstream fakes):
    // nothing here reaches the internet, and tests see every call.
    // Secrets and per-test vars never live in wrangler files: tests pass them here.
    const extra = { ...(bindings[w.stem] ?? {}), ...(bindings[w.name] ?? {}) };
    return {
      ...w.options, serviceBindings, routes,
      bindings: { ...w.options.bindings, ...extra },
      ...(outbound ? { outboundService: outbound } : {}),
    };
  });
}

// Lets `platform.kv('X').get(k)` work without awaiting the binding first (methods are async anyway).
const direct = (binding) =>
  new Proxy({}, { get: (_, method) => (method === 'then' ? undefined : async (...args) => (await binding)[method](...args)) });

/** Loads workers (short names = wrangler file stems) and the D1 databases they bind. */
export function loadWorkers(stems, { dir = WRANGLER_DIR, env } = {}) {
  const workers = (stems ?? listWorkers(dir)).map((s) => loadWorker(s, { dir, env }));
  return { workers, databases: d1Databases(workers) };
}

/**
 * startPlatform({ workers: ['d1-warmer'], now, dir, env, log, outbound }) → platform.
 * `outbound(request) → Response` receives every outbound fetch of every worker (e.g. the upstream fakes).
 * `bindings: { 'cricos-sync': { TRIGGER_TOKEN: '…' } }` adds secrets or overrides vars per worker.
 * `workers` defaults to every wrangler file; `dir` is the wrangler directory (fixtures use their own).
 * `port` (a number, 0 = any free one) serves the stack over HTTP on 127.0.0.1 for a real browser
 * (tests/browser): every worker then also answers on `<stem>.localhost`, and `platform.url` is the
 * listening URL. `extraWorkers` are plain Miniflare workers ({ name, script, ... }) run beside the
 * wrangler ones (test-only workers); with `port` each also answers on `<name>.localhost`.
 */
export async function startPlatform({ workers: stems, now, dir, env, outbound, bindings, log = LogLevel.WARN, port, extraWorkers = [] } = {}) {
  const { workers, databases } = loadWorkers(stems, { dir, env });
  let clockAt = now === undefined ? null : new Date(now);
  const clock = () =>
    new Response((clockAt ?? new Date()).toISOString(), { headers: { 'content-type': 'text/plain' } });

  const listen = port !== undefined;
  const localRoute = (stem) => (listen ? [`${stem}.localhost/*`] : []);
  const extraRoutes = Object.fromEntries(workers.map((w) => [w.stem, localRoute(w.stem)]));
  const plain = extraWorkers.map((w) => ({ modules: true, ...w, routes: [...(w.routes ?? []), ...localRoute(w.name)] }));

  const mf = new Miniflare({
    workers: [...miniflareOptions(workers, { clock, outbound, bindings, extraRoutes, alsoRunning: plain.map((w) => w.name) }), ...plain],
    log: new Log(log),
    cf: false, // placeholder request.cf; never fetched from workers.cloudflare.com
    ...(listen ? { host: '127.0.0.1', port } : {}),
    // No persist options: every store is in memory and disappears with dispose().
  });
  const url = await mf.ready;

  const byName = (nameOrStem) => {
    const w = workers.find((x) => x.stem === nameOrStem || x.name === nameOrStem);
    if (!w) throw new Error(`worker "${nameOrStem}" is not running (have: ${workers.map((x) => x.stem).join(', ')})`);
    return w;
  };
  // First running worker that declares `binding` in `section` (or the one asked for).
  const owner = (section, binding, worker) => {
    if (worker) return byName(worker);
    const w = workers.find((x) => (x.config[section] ?? []).some((b) => b.binding === binding));
    if (!w) throw new Error(`no running worker binds ${binding} (${section})`);
    return w;
  };
  const database = (nameOrBinding) => {
    const d = databases.find((x) => x.name === nameOrBinding || x.bindings.some((b) => b.binding === nameOrBinding));
    if (!d) throw new Error(`no running worker binds D1 database "${nameOrBinding}"`);
    return mf.getD1Database(d.bindings[0].binding, d.bindings[0].worker);
  };

  const migrations = await migrateAll(databases, (d) => mf.getD1Database(d.bindings[0].binding, d.bindings[0].worker));

  const d1 = (name) => {
    const db = database(name);
    const stmt = async (sql, params) => (await db).prepare(sql).bind(...params);
    return {
      db,
      all: async (sql, ...params) => (await (await stmt(sql, params)).all()).results,
      first: async (sql, ...params) => (await stmt(sql, params)).first(),
      run: async (sql, ...params) => (await stmt(sql, params)).run(),
    };
  };

  return {
    mf,
    workers,
    databases,
    migrations, // { database_name: [applied file names] }
    /** Where the stack listens (with `port`: the URL a browser reaches through `<stem>.localhost`). */
    url,
    /** Sets the time TEST_CLOCK answers (Date or ISO string); null returns to the real clock. */
    setClock(at) { clockAt = at == null ? null : new Date(at); },
    now: () => clockAt ?? new Date(),
    /** Request routed by the URL's host, exactly as the workers' `routes` say. */
    fetch: (url, init) => mf.dispatchFetch(url, init),
    /** Request straight to one worker; `path` is resolved against its first route host. */
    async fetchWorker(worker, path = '/', init) {
      const w = byName(worker);
      const host = routeHosts(w.routes)[0] ?? `${w.stem}.localhost`;
      return (await mf.getWorker(w.name)).fetch(new URL(path, `https://${host}`), init);
    },
    /** Fires the worker's scheduled handler; returns { outcome, noRetry }. */
    async scheduled(worker, { cron, scheduledTime } = {}) {
      const w = byName(worker);
      cron ??= w.config.triggers?.crons?.[0];
      scheduledTime = new Date(scheduledTime ?? clockAt ?? Date.now());
      return (await mf.getWorker(w.name)).scheduled({ cron, scheduledTime });
    },
    /**
     * Delivers one batch to the worker's queue handler. `messages` are bodies or
     * { id, timestamp, body, attempts }; returns { outcome, ackAll, retryBatch, explicitAcks, retryMessages }.
     */
    async queue(worker, queueName, messages) {
      const w = byName(worker);
      const batch = messages.map((m, i) => {
        const msg = m && typeof m === 'object' && 'body' in m ? m : { body: m };
        return {
          id: msg.id ?? `msg-${i + 1}`,
          timestamp: new Date(msg.timestamp ?? clockAt ?? Date.now()),
          body: msg.body,
          attempts: msg.attempts ?? 1,
        };
      });
      return (await mf.getWorker(w.name)).queue(queueName, batch);
    },
    d1,
    kv: (binding, worker) => direct(mf.getKVNamespace(binding, owner('kv_namespaces', binding, worker).name)),
    r2: (binding, worker) => direct(mf.getR2Bucket(binding, owner('r2_buckets', binding, worker).name)),
    /** Rows of ops-db email_outbox, oldest first. */
    outbox: () => d1('ops-db').all('SELECT * FROM email_outbox ORDER BY created_at'),
    dispose: () => mf.dispose(),
  };
}
