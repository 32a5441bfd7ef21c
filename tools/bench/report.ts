import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { Client } from 'pg';

const DOC = 'docs/benchmarks.md';

export async function machineSummary(): Promise<string> {
  const client = new Client({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  await client.connect();
  const { rows } = await client.query('SHOW server_version');
  await client.end();
  const cpu = cpus();
  const date = execSync('date -u +"%Y-%m-%d %H:%M UTC"').toString().trim();
  return [
    `- Date: ${date}`,
    `- Machine: ${cpu.length} cores (${cpu[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    `- PostgreSQL ${rows[0].server_version} on the same machine (loopback)`,
    `- CPU check (compare runs of different days by it): SHA-256 of 256 MiB in ${cpuCheckMs()} ms, best of 3`,
    // Other work on a shared host takes CPU from every process of the run: a load well above the
    // core count makes the figures of that run lower, and its ratios less certain.
    `- Load average at the end of the run (1 / 5 / 15 min): ${loadavg().map((l) => l.toFixed(1)).join(' / ')} on ${cpu.length} cores`,
  ].join('\n');
}

/** A fixed CPU-bound task: this shared host's speed varies from day to day, and this shows by how much. */
function cpuCheckMs(): number {
  const block = Buffer.alloc(1 << 20, 7);
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    const hash = createHash('sha256');
    for (let i = 0; i < 256; i++) hash.update(block);
    hash.digest();
    best = Math.min(best, performance.now() - started);
  }
  return Math.round(best);
}

/** Replaces the benchmark's section (between its markers) in docs/benchmarks.md, or appends it. */
export function writeSection(name: string, body: string): void {
  const begin = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n';
  const block = `${begin}\n${body}\n${end}`;
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  const next = from >= 0 && to > from ? doc.slice(0, from) + block + doc.slice(to + end.length) : `${doc.trimEnd()}\n\n## ${name}\n\n${block}\n`;
  writeFileSync(DOC, next);
}

export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
