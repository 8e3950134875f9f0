// What an ingest could not use, told so a user can fix it: skipped records and dropped fields are
// grouped by reason in the summary (count, first few places), and every one of them can be written
// to a JSON Lines report file (`--report`) with the record as the source had it.
import { closeSync, openSync, writeSync } from 'node:fs';
import { AppError, messageOf } from '../errors.ts';
import type { FieldProblem } from '../sources/record.ts';

const EXAMPLES_PER_GROUP = 3;
// Endings that say nothing beyond the group itself.
const TRIVIAL_DETAIL = new Set(['dropped', 'kept the first']);
const GROUPS_SHOWN = 8;

interface Group {
  count: number;
  examples: string[];
  /** What the first reason said after `;` (e.g. which field the record has instead), shown once. */
  detail: string | undefined;
}

/** `abstract: is required; the record has …` → `abstract: is required`: the reason without its specifics. */
export function reasonGroup(problem: FieldProblem): string {
  const cut = problem.reason.search(/;|, got | "| \(|: /);
  return `${problem.field}: ${(cut === -1 ? problem.reason : problem.reason.slice(0, cut)).trim()}`;
}

class Groups {
  private readonly groups = new Map<string, Group>();
  total = 0;

  add(problems: readonly FieldProblem[], where: string): void {
    this.total++;
    // A record with two problems of the same kind counts once in that group.
    const seen = new Set<string>();
    for (const problem of problems) {
      const key = reasonGroup(problem);
      if (seen.has(key)) continue;
      seen.add(key);
      const semicolon = problem.reason.indexOf('; ');
      const group = this.groups.get(key) ?? { count: 0, examples: [], detail: undefined };
      if (group.detail === undefined && semicolon !== -1) group.detail = problem.reason.slice(semicolon + 2);
      group.count++;
      if (group.examples.length < EXAMPLES_PER_GROUP) group.examples.push(where);
      this.groups.set(key, group);
    }
  }

  describe(): string {
    const sorted = [...this.groups].sort((a, b) => b[1].count - a[1].count);
    const shown = sorted
      .slice(0, GROUPS_SHOWN)
      .map(([key, g]) => `${key} (${fmt(g.count)}; e.g. ${g.examples.join(', ')})${g.detail && !TRIVIAL_DETAIL.has(g.detail) ? ` [${g.detail}]` : ''}`);
    if (sorted.length > GROUPS_SHOWN) shown.push(`and ${sorted.length - GROUPS_SHOWN} more kinds`);
    return shown.join(', ');
  }
}

export const fmt = (n: number): string => n.toLocaleString('en-US');

export class SkipReport {
  private readonly skips = new Groups();
  private readonly warnings = new Groups();
  private fd: number | undefined;

  constructor(private readonly reportFile?: string) {
    if (reportFile === undefined) return;
    try {
      this.fd = openSync(reportFile, 'w');
    } catch (error) {
      throw new AppError('BAD_INPUT_FILE', `cannot write the report file ${reportFile}: ${messageOf(error)}`, { file: reportFile }, { cause: error });
    }
  }

  get skipped(): number {
    return this.skips.total;
  }

  get warned(): number {
    return this.warnings.total;
  }

  /** `rawJson`: the record as the source had it, as JSON text (absent when too large to repeat). */
  skip(file: string, line: number, problems: readonly FieldProblem[], rawJson?: string): void {
    this.skips.add(problems, `${file}:${line}`);
    const entry = JSON.stringify({ kind: 'skipped', file, line, problems });
    this.writeLine(rawJson === undefined ? entry : `${entry.slice(0, -1)},"record":${rawJson}}`);
  }

  warn(file: string, line: number, warnings: readonly FieldProblem[]): void {
    this.warnings.add(warnings, `${file}:${line}`);
    this.writeLine(JSON.stringify({ kind: 'field dropped', file, line, problems: warnings }));
  }

  /** The summary lines: skipped records, then records kept with a field dropped. */
  lines(): string[] {
    const lines: string[] = [];
    if (this.skips.total > 0) lines.push(`skipped ${fmt(this.skips.total)}: ${this.skips.describe()}`);
    if (this.warnings.total > 0) lines.push(`kept ${fmt(this.warnings.total)} with a field dropped: ${this.warnings.describe()}`);
    if (this.reportFile !== undefined && lines.length > 0) lines.push(`every one of them is listed in ${this.reportFile}`);
    return lines;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private writeLine(json: string): void {
    if (this.fd !== undefined) writeSync(this.fd, `${json}\n`);
  }
}
