// Reading JSON Lines files and top-level JSON arrays into records, with the 1-based line
// of every record so each problem points at the place to fix it.

import { parseJsonRecord } from './json-records.ts';
import { byLine, dropDuplicateIds, type LocatedRecord, type LocatedResult } from './located.ts';
import type { SourceProblem } from './record.ts';

/** Collects valid records and per-field problems; shared by both layouts. */
class Collector {
  readonly records: LocatedRecord[] = [];
  readonly problems: SourceProblem[] = [];

  constructor(readonly file: string) {}

  add(value: unknown, line: number): void {
    const result = parseJsonRecord(value);
    if (result.ok) this.records.push({ record: result.record, line });
    else for (const p of result.problems) this.problems.push({ file: this.file, line, ...p });
  }

  problem(line: number, field: string, reason: string): void {
    this.problems.push({ file: this.file, line, field, reason });
  }

  finish(): LocatedResult {
    const { kept, problems } = dropDuplicateIds(this.records, this.file);
    return { records: kept, problems: byLine([...this.problems, ...problems]), notes: [] };
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** One JSON value per line; blank lines are skipped, a line that is not JSON is a problem. */
export function parseJsonLines(text: string, file: string): LocatedResult {
  const out = new Collector(file);
  stripBom(text)
    .split(/\r\n|\r|\n/)
    .forEach((raw, index) => {
      if (raw.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (error) {
        out.problem(index + 1, '(line)', `not valid JSON: ${errorMessage(error)}`);
        return;
      }
      out.add(value, index + 1);
    });
  return out.finish();
}

/** 1-based line of each offset; offsets must be ascending, so one pass over the text suffices. */
function linesOf(text: string, offsets: number[]): number[] {
  const lines: number[] = [];
  let line = 1;
  let pos = 0;
  for (const offset of offsets) {
    for (; pos < offset; pos++) if (text.charCodeAt(pos) === 10) line++;
    lines.push(line);
  }
  return lines;
}

// JSON allows exactly these four whitespace characters between tokens.
const JSON_WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/**
 * Offsets where each element of the top-level array starts. Assumes `text` already parsed
 * as JSON, so only strings (which may contain brackets and commas) and nesting need tracking.
 */
function elementOffsets(text: string): number[] {
  const offsets: number[] = [];
  let depth = 0;
  let expectValue = true;
  for (let i = text.indexOf('[') + 1; i < text.length; i++) {
    const ch = text[i]!;
    if (JSON_WHITESPACE.has(ch)) continue;
    if (depth === 0 && ch === ']') break;
    if (depth === 0 && ch === ',') {
      expectValue = true;
      continue;
    }
    if (depth === 0 && expectValue) {
      offsets.push(i);
      expectValue = false;
    }
    if (ch === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') depth--;
  }
  return offsets;
}

/** Where a JSON.parse error happened, from the position V8 puts in its message. */
function errorLine(text: string, error: unknown): number {
  const message = errorMessage(error);
  const line = /\(line (\d+) column \d+\)/.exec(message);
  if (line !== null) return Number(line[1]);
  const position = /at position (\d+)/.exec(message);
  return position === null ? 1 : linesOf(text, [Number(position[1])])[0]!;
}

/**
 * A top-level JSON array of records. A syntax error makes the whole file unreadable (JSON has
 * no record boundaries to resynchronise on), so it is one problem at the error's line.
 */
export function parseJsonArray(text: string, file: string): LocatedResult {
  const out = new Collector(file);
  const body = stripBom(text);
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    out.problem(errorLine(body, error), '(file)', `not valid JSON, no records read: ${errorMessage(error)}`);
    return out.finish();
  }
  if (!Array.isArray(value)) {
    out.problem(1, '(file)', 'expected a top-level JSON array of records');
    return out.finish();
  }
  const lines = linesOf(body, elementOffsets(body));
  value.forEach((element, index) => out.add(element, lines[index] ?? 1));
  return out.finish();
}
