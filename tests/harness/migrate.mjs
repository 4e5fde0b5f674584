// Applies D1 migration files the way `wrangler d1 migrations apply --local` does:
// files in name order, split with wrangler's own splitter (comments, quoted strings,
// CREATE TRIGGER ... BEGIN ... END), each file atomic in one batch() together with its
// row in the migrations table, so re-running skips what is already applied.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

process.env.WRANGLER_SEND_METRICS = 'false';
const { unstable_splitSqlQuery: splitSqlQuery } = await import('wrangler');

export { splitSqlQuery };

/** SQL files of a directory in filename order ([] when the directory does not exist yet). */
export function sqlFiles(dir) {
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.sql')).sort().map((f) => join(dir, f));
}

/** Runs one file's statements (plus `extra` prepared statements) in a single batch. */
export async function execFile(db, file, extra = []) {
  const statements = splitSqlQuery(readFileSync(file, 'utf8')).map((sql) => db.prepare(sql));
  try {
    await db.batch([...statements, ...extra]);
  } catch (e) {
    throw new Error(`${file}: ${e.message}`, { cause: e });
  }
}

/** Applies `sqlFiles(dir)` not yet recorded in `table`; returns the names applied. */
export async function applyTracked(db, dir, table = 'd1_migrations') {
  const files = sqlFiles(dir);
  if (!files.length) return []; // nothing to track: leave a database with no migrations empty
  // Same table shape as wrangler, so `wrangler d1 migrations list --local` agrees.
  await db.exec(`CREATE TABLE IF NOT EXISTS ${table}(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL);`);
  const { results } = await db.prepare(`SELECT name FROM ${table}`).all();
  const done = new Set(results.map((r) => r.name));
  const applied = [];
  for (const file of files) {
    const name = file.split('/').pop();
    if (done.has(name)) continue;
    await execFile(db, file, [db.prepare(`INSERT INTO ${table} (name) VALUES (?)`).bind(name)]);
    applied.push(name);
  }
  return applied;
}

/** Applies every database's migrations. `dbs` from workers.d1Databases(); `getDb(db)` gives a D1Database. */
export async function migrateAll(dbs, getDb) {
  const report = {};
  for (const d of dbs) report[d.name] = await applyTracked(await getDb(d), d.migrationsDir, d.migrationsTable);
  return report;
}
