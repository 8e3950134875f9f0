// Small helpers shared by the benchmark sections: timing, percentiles, memory, tables, output files.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BENCH_DIR = path.resolve(process.env.PAPERSEEK_BENCH_DIR ?? '.bench');

export const now = (): number => performance.now();

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function summary(samples: readonly number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, x) => sum + x, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, mean, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
}

export const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Peak resident set size of this process so far (MB), from the kernel (VmHWM). */
export function peakRssMb(): number {
  return mb(process.resourceUsage().maxRSS * 1024);
}

export function rssMb(): number {
  return mb(process.memoryUsage().rss);
}

export const fixed = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

/** A GitHub-flavoured markdown table. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

/** Writes `<section>-<timestamp>.md` and `.json` under .bench/results and prints the markdown. */
export function publish(section: string, markdown: string, data: unknown): void {
  const dir = path.join(BENCH_DIR, 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const header = `<!-- ${section} · ${new Date().toISOString()} · ${machine()} -->\n`;
  writeFileSync(path.join(dir, `${section}-${stamp}.md`), header + markdown + '\n');
  writeFileSync(path.join(dir, `${section}-${stamp}.json`), JSON.stringify({ section, machine: machine(), data }, null, 2));
  console.log(header + markdown);
}

export function log(line: string): void {
  console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
}

/** A section's options, by name (`--dtypes q8` → args.dtypes === 'q8', a flag → 'true'): see main.ts. */
export interface Args {
  [key: string]: string | undefined;
}

export const intList = (value: string | undefined, fallback: number[]): number[] => (value ? value.split(',').map((item) => Number(item.trim())) : fallback);
