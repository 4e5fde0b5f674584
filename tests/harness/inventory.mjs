// Worker inventory generated from wrangler/*.toml, so the README's table cannot drift.
// Usage: inventory.mjs                 print the markdown table
//        inventory.mjs --check FILE    exit 1 with a diff when FILE's inventory block differs
//        inventory.mjs --write FILE    replace FILE's inventory block (appended if missing)
import { readFileSync, writeFileSync, existsSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BEGIN = '<!-- inventory:begin -->';
export const END = '<!-- inventory:end -->';

/** Parsed wrangler files: [{ stem, config }] in file name order. */
export function readConfigs(dir = join(ROOT, 'wrangler')) {
  return readdirSync(dir).filter((f) => f.endsWith('.toml')).sort()
    .map((f) => ({ stem: f.slice(0, -5), config: parse(readFileSync(join(dir, f), 'utf8')) }));
}

const code = (s) => `\`${s}\``;
const cell = (items) => (items.length ? items.join(', ').replaceAll('|', '\\|') : '—');

function row({ stem, config: c }) {
  const queues = c.queues ?? {};
  const routes = [...(c.routes ?? []), ...(c.route ? [c.route] : [])].map((r) => (typeof r === 'string' ? r : r.pattern));
  const crons = c.triggers?.crons ?? [];
  const dispatch = [
    ...(crons.length ? ['Direct cron'] : []),
    ...(queues.consumers ?? []).map((q) => `Queue consumer (${q.queue}${q.dead_letter_queue ? `, DLQ: ${q.dead_letter_queue}` : ''})`),
    ...(routes.length ? ['HTTP'] : []),
  ];
  return [
    c.name,
    `workers/${stem}`,
    cell((c.d1_databases ?? []).map((d) => d.database_name)),
    cell((c.kv_namespaces ?? []).map((k) => k.binding)),
    cell((c.r2_buckets ?? []).map((b) => b.bucket_name)),
    cell([...(queues.producers ?? []).map((q) => `→ ${q.queue}`), ...(queues.consumers ?? []).map((q) => `← ${q.queue}`)]),
    cell(crons.map(code)),
    dispatch.length ? dispatch.join(' + ') : '—',
    cell(routes.map(code)),
  ];
}

/** The markdown table for every wrangler file in `dir`. */
export function inventoryTable(dir) {
  const head = ['Worker', 'Source', 'D1', 'KV', 'R2', 'Queues', 'Schedule', 'Dispatch', 'Routes'];
  const lines = [head, head.map(() => '---'), ...readConfigs(dir).map(row)];
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** The text between the markers, or null when the file has no block. */
export function readBlock(text) {
  const b = text.indexOf(BEGIN);
  const e = text.indexOf(END);
  return b === -1 || e < b ? null : text.slice(b + BEGIN.length, e).trim();
}

export function writeBlock(text, table) {
  const block = `${BEGIN}\n${table}\n${END}`;
  if (readBlock(text) === null) return `${text.replace(/\n*$/, text ? '\n\n' : '')}${block}\n`;
  return text.slice(0, text.indexOf(BEGIN)) + block + text.slice(text.indexOf(END) + END.length);
}

function diff(expected, actual) {
  const tmp = mkdtempSync(join(tmpdir(), 'inventory-'));
  try {
    writeFileSync(join(tmp, 'a'), `${actual}\n`);
    writeFileSync(join(tmp, 'b'), `${expected}\n`);
    const r = spawnSync('diff', ['-u', '--label', 'README (current)', '--label', 'wrangler/*.toml (generated)', join(tmp, 'a'), join(tmp, 'b')], { encoding: 'utf8' });
    return r.stdout || r.stderr;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [mode, file] = process.argv.slice(2);
  const table = inventoryTable();
  if (!mode) {
    console.log(table);
  } else if (mode === '--check' && file) {
    const current = existsSync(file) ? readBlock(readFileSync(file, 'utf8')) : null;
    if (current === null) {
      console.error(`${file}: no ${BEGIN} ... ${END} block; run scripts/inventory --write ${file}`);
      process.exit(1);
    }
    if (current !== table) {
      console.error(`${file}: worker inventory is out of date; run scripts/inventory --write ${file}\n`);
      console.error(diff(table, current));
      process.exit(1);
    }
  } else if (mode === '--write' && file) {
    writeFileSync(file, writeBlock(existsSync(file) ? readFileSync(file, 'utf8') : '', table));
  } else {
    console.error('usage: scripts/inventory [--check FILE | --write FILE]');
    process.exit(2);
  }
}
