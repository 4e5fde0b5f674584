// Turns wrangler/<worker>.toml files into Miniflare worker options.
// Bindings come from wrangler's own mapping (unstable_getMiniflareWorkerOptions), so tests
// never re-declare them; we only add what wrangler dev would add (routes, script path)
// and make queue consumer settings explicit.
import { readdirSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

process.env.WRANGLER_SEND_METRICS = 'false';
const { unstable_getMiniflareWorkerOptions, unstable_readConfig } = await import('wrangler');

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const WRANGLER_DIR = join(ROOT, 'wrangler');

// Production queue consumer defaults (Miniflare's own defaults differ).
export const QUEUE_DEFAULTS = { maxBatchSize: 10, maxBatchTimeout: 5, maxRetries: 3 };

/** Short names (file stems) of every wrangler/*.toml in `dir`. */
export function listWorkers(dir = WRANGLER_DIR) {
  return readdirSync(dir).filter((f) => f.endsWith('.toml')).map((f) => f.slice(0, -5)).sort();
}

/** A route as Miniflare wants it: custom domains and bare hosts match every path. */
export function routePattern(route) {
  const pattern = typeof route === 'string' ? route : route.pattern;
  return pattern.includes('/') ? pattern : `${pattern}/*`;
}

/** Hostnames a worker answers on (for printing and for fetchWorker). */
export function routeHosts(routes = []) {
  return [...new Set(routes.map((r) => routePattern(r).split('/')[0].replace(/^\*\.?/, '')))];
}

/**
 * Loads one worker: { stem, name, configPath, config, options } where `options` is a complete
 * Miniflare worker (bindings, modules, routes, explicit queue consumers).
 */
export function loadWorker(stem, { dir = WRANGLER_DIR, env } = {}) {
  const configPath = join(dir, `${stem}.toml`);
  if (!existsSync(configPath)) throw new Error(`no wrangler file for worker "${stem}" at ${configPath}`);
  const config = unstable_readConfig({ config: configPath, env }, { hideWarnings: true });
  const { workerOptions, main } = unstable_getMiniflareWorkerOptions(configPath, env);

  const queueConsumers = {};
  for (const c of config.queues?.consumers ?? []) {
    queueConsumers[c.queue] = {
      maxBatchSize: c.max_batch_size ?? QUEUE_DEFAULTS.maxBatchSize,
      maxBatchTimeout: c.max_batch_timeout ?? QUEUE_DEFAULTS.maxBatchTimeout,
      maxRetries: c.max_retries ?? QUEUE_DEFAULTS.maxRetries,
      ...(c.dead_letter_queue && { deadLetterQueue: c.dead_letter_queue }),
      ...(c.retry_delay !== undefined && { retryDelay: c.retry_delay }),
    };
  }

  const routes = [...(config.routes ?? []), ...(config.route ? [config.route] : [])];
  const options = {
    ...workerOptions,
    name: config.name,
    modules: true,
    scriptPath: main, // absolute; worker-build's index.js imports index_bg.wasm (CompiledWasm rule)
    routes: routes.map(routePattern),
    queueConsumers,
  };
  return { stem, name: config.name, configPath, config, routes, main, options };
}

/**
 * Every D1 database the workers bind, keyed by database id (Miniflare keys storage by id,
 * so one id = one shared database): { id, name, bindings: [{ worker, binding }], migrationsDir }.
 */
export function d1Databases(workers) {
  const dbs = new Map();
  for (const w of workers) {
    for (const d of w.config.d1_databases ?? []) {
      const id = d.preview_database_id ?? d.database_id ?? d.database_name;
      const dir = d.migrations_dir ? resolve(dirname(w.configPath), d.migrations_dir) : null;
      const db = dbs.get(id) ?? { id, name: d.database_name, bindings: [], migrationsDir: dir, migrationsTable: d.migrations_table ?? 'd1_migrations' };
      if (dir && db.migrationsDir && db.migrationsDir !== dir) {
        throw new Error(`database ${db.name} (${id}) has two migrations_dir: ${db.migrationsDir} and ${dir}`);
      }
      db.migrationsDir ??= dir;
      db.bindings.push({ worker: w.name, binding: d.binding });
      dbs.set(id, db);
    }
  }
  return [...dbs.values()];
}

export const stemOf = (configPath) => basename(configPath, '.toml');
