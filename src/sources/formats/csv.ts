// CSV and TSV files of papers, one row per paper under a header row, read as a stream: each row is
// yielded as soon as it is parsed, with the line it starts on, so a 3 GB export needs no more memory
// than the rows of one chunk of text. Columns are recognised by their header names (`--map field=column` overrides that);
// a row that cannot be used becomes a problem on its line and the rest of the file is still read.

import { finished } from 'node:stream/promises';
import { CsvError, parse, type Info } from 'csv-parse';
import { arxivId, arxivUrl } from '../arxiv-id.ts';
import { buildRecord } from '../build-record.ts';
import { FieldReader, got, normalizeSpace, requiredText } from '../fields.ts';
import { MAPPABLE_FIELDS, type FieldProblem, type MappedRecord, type SourceEntry } from '../record.ts';
import { looksLikePythonList, parsePythonList } from './python-list.ts';

export interface DelimitedOptions {
  delimiter: ',' | '\t';
  /** paperseek field → the file's column (`--map abstract=summary`); overrides the header names. */
  fieldMap?: Record<string, string>;
}

/**
 * Records of a CSV/TSV file given as decoded text in pieces of any size. Throws (naming the file's
 * columns) when `fieldMap` names a column the header lacks, and when the file cannot be parsed
 * past some line (a row longer than MAX_ROW_CHARS); every other fault is a problem on its row.
 */
export async function* readDelimited(chunks: AsyncIterable<string>, options: DelimitedOptions): AsyncGenerator<SourceEntry> {
  const lines = new LineCounter();
  let plan: ColumnPlan | undefined;
  try {
    for await (const { record: cells, info } of parsedRows(encode(chunks, lines), options.delimiter)) {
      const line = lines.rowStart(info.bytes);
      if (plan === undefined) plan = planColumns(cells, options.fieldMap ?? {});
      else if (!isBlankRow(cells)) yield { line, ...mapRow(cells, plan) };
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = lines.nextRowStart();
    // An unclosed quote is only noticed at the end of the file; every row before it was fine.
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
      yield { ok: false, line, problems: [{ field: '(row)', reason: UNCLOSED_QUOTE }] };
      return;
    }
    const kind = options.delimiter === '\t' ? 'TSV' : 'CSV';
    throw new Error(`line ${line}: cannot read the rest of this ${kind} file: ${error.message}`, { cause: error });
  }
}

/**
 * The delimiter of a file whose first line is `headerLine`, for content detection: tab or comma,
 * whichever splits the line into 2+ cells one of which is a title column; null when neither does.
 */
export function sniffDelimiter(headerLine: string): ',' | '\t' | null {
  const line = headerLine.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)[0] ?? '';
  for (const delimiter of ['\t', ','] as const) {
    const cells = line.split(delimiter).map((cell) => normalizeHeader(cell.replace(/^\s*"|"\s*$/g, '')));
    if (cells.length >= 2 && cells.some((cell) => ALIASES.title.includes(cell))) return delimiter;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Streaming and line numbers

/**
 * Longest row accepted. Bounds memory when a quote is left open (the rest of the file would
 * otherwise become one growing cell); far above any real row (abstracts are a few thousand).
 */
export const MAX_ROW_CHARS = 1_000_000;

const UNCLOSED_QUOTE =
  'a quoted cell that starts on this row is never closed, so the rest of the file was read as that cell; close the quote (a `"` inside a quoted cell is written `""`)';

interface ParsedRow {
  record: string[];
  info: Info;
}

/**
 * The parser's rows, one input chunk at a time: each chunk is parsed only once the rows of the
 * previous one have been taken, so memory holds one chunk's rows. A parse error is thrown after
 * the rows parsed before it. (Not the stream's async iterator: on an error it drops the rows
 * still buffered, and the row with an unclosed quote is the last of the file.)
 */
async function* parsedRows(input: AsyncIterable<Buffer>, delimiter: string): AsyncGenerator<ParsedRow> {
  const parser = parse({
    delimiter,
    bom: true,
    info: true, // info.bytes: where each row ends, from which LineCounter finds where it starts
    relax_column_count: true, // a short or long row is that row's problem, not the file's
    relax_quotes: true, // a `"` inside an unquoted cell (`5" screen`) is just text
    skip_empty_lines: true,
    max_record_size: MAX_ROW_CHARS,
  });
  const rows: ParsedRow[] = [];
  let failure: unknown;
  parser.on('data', (row: ParsedRow) => rows.push(row));
  parser.on('error', (error) => (failure ??= error));
  try {
    for await (const bytes of input) {
      failure ??= await new Promise((resolve) => parser.write(bytes, resolve));
      yield* rows.splice(0);
      if (failure) throw failure;
    }
    await finished(parser.end()).catch((error: unknown) => (failure ??= error));
    yield* rows.splice(0);
    if (failure) throw failure;
  } finally {
    parser.destroy();
  }
}

/**
 * The chunks as UTF-8 bytes for the parser, also handed to `lines`. A chunk boundary may split
 * a surrogate pair; its first half waits for the next chunk instead of becoming U+FFFD.
 */
async function* encode(chunks: AsyncIterable<string>, lines: LineCounter): AsyncGenerator<Buffer> {
  let carry = '';
  for await (const chunk of chunks) {
    let text = carry + chunk;
    const last = text.charCodeAt(text.length - 1);
    carry = last >= 0xd800 && last <= 0xdbff ? text.slice(-1) : '';
    if (carry !== '') text = text.slice(0, -1);
    if (text !== '') yield lines.add(Buffer.from(text, 'utf8'));
  }
  if (carry !== '') yield lines.add(Buffer.from(carry, 'utf8'));
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Line breaks in bytes[from, to): every LF, and every CR not followed by LF (old Mac line ends).
 * The byte after `to` may be looked at: a row's `\r` is not a break of its own when the `\n` follows.
 */
function countBreaks(bytes: Buffer, from: number, to: number): number {
  const span = bytes.subarray(0, to);
  let count = 0;
  for (let i = span.indexOf(LF, from); i >= 0; i = span.indexOf(LF, i + 1)) count++;
  for (let i = span.indexOf(CR, from); i >= 0; i = span.indexOf(CR, i + 1)) if (bytes[i + 1] !== LF) count++;
  return count;
}

/**
 * Line numbers of rows, counted here from the bytes rather than taken from csv-parse's
 * `info.lines`, which counts a `\r\n` inside a quoted cell as two lines (v7) and gives the
 * line where a row ends, not where it starts. The parser reports each row's end as a byte
 * offset (`info.bytes`); the bytes from the previous row's end up to it are blank lines the
 * parser skipped, then the row. Only bytes not yet attributed to a row are kept.
 */
class LineCounter {
  private pending: Buffer = Buffer.alloc(0);
  /** Offset in the input of pending[0], and the line it is on. */
  private offset = 0;
  private line = 1;

  add(bytes: Buffer): Buffer {
    this.pending = this.pending.length === 0 ? bytes : Buffer.concat([this.pending, bytes]);
    return bytes;
  }

  /** Line where the row ending at byte `end` starts; the row's bytes are then dropped. */
  rowStart(end: number): number {
    const length = end - this.offset;
    const { start, next } = this.scan(length);
    this.pending = this.pending.subarray(length);
    this.offset = end;
    this.line = next;
    return start;
  }

  /** Line where the row after the last one returned starts (where a parse error's row begins). */
  nextRowStart(): number {
    return this.scan(this.pending.length).start;
  }

  /** Where the row in pending[0, length) starts, after the blank lines the parser skipped, and the line after it. */
  private scan(length: number): { start: number; next: number } {
    const bytes = this.pending;
    const bom = this.offset === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    let i = bom ? 3 : 0;
    let line = this.line;
    for (; i < length && (bytes[i] === LF || bytes[i] === CR); i++) {
      if (bytes[i] === LF || bytes[i + 1] !== LF) line++;
    }
    return { start: line, next: line + countBreaks(bytes, i, length) };
  }
}

// Spreadsheet exports pad the end with rows of bare delimiters; they hold nothing to report.
const isBlankRow = (cells: string[]): boolean => cells.every((cell) => cell.trim() === '');

// ---------------------------------------------------------------------------------------------
// The header: which column holds which field

const FIELDS = MAPPABLE_FIELDS;
type Field = (typeof FIELDS)[number];

/**
 * Header names of each field, most specific first, as normalizeHeader writes them. The plural
 * `titles`/`summaries`/`terms` are the Kaggle "arxiv_data.csv" columns.
 */
const ALIASES: Record<Field, readonly string[]> = {
  id: ['id', 'arxiv_id', 'paper_id'],
  title: ['title', 'titles'],
  abstract: ['abstract', 'summary', 'abstracts', 'summaries'],
  authors: ['authors', 'author'],
  published: ['published', 'date', 'published_date', 'publication_date', 'year'],
  updated: ['updated', 'update_date', 'updated_date'],
  categories: ['categories', 'tags', 'terms', 'category'],
  doi: ['doi'],
  url: ['url', 'link', 'abs_url'],
  github_url: ['github_url', 'github', 'code'],
  project_url: ['project_url', 'project_page'],
  upvotes: ['upvotes'],
};

// Links that are not the paper's `url` but may name its arXiv id.
const PDF_COLUMNS = ['pdf_url', 'pdf_link', 'pdf'];

/**
 * A row-number column: `index` (pandas `reset_index`) or pandas' unnamed index (blank header,
 * `Unnamed: 0` once re-saved). Row numbers are no id and not worth keeping, but scrapers do put
 * arXiv ids in `index` (the arxiv_data sample does), so an arXiv id there is used.
 */
const INDEX_COLUMN = /^(?:index|unnamed:_?\d+|)$/;

/** Case, surrounding space and `_`/`-`/space differences do not matter in header names. */
function normalizeHeader(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '_');
}

interface ColumnPlan {
  /** Each column's name in `extra` and skip reports: the header as written; repeats get `_2`, `_3`. */
  names: string[];
  fields: Partial<Record<Field, number>>;
  /** Columns looked at, in this order, for an arXiv id: id columns, links, row-number columns. */
  arxivSources: number[];
  /** Columns copied to `extra`. */
  extra: number[];
  /** The problem every row has because the header lacks the title or abstract column. */
  missing: Partial<Record<'title' | 'abstract', FieldProblem>>;
}

/**
 * Each field's column: the one `fieldMap` names, else the first column with one of its header
 * names (by alias order, then position). A column serves one field; a repeated header name
 * leaves the later columns to `extra`.
 */
function planColumns(header: string[], fieldMap: Record<string, string>): ColumnPlan {
  const names = uniqueNames(header);
  const keys = header.map(normalizeHeader);
  const fields = mappedColumns(fieldMap, keys, names);
  const used = new Set(Object.values(fields));
  for (const field of FIELDS) {
    if (fields[field] !== undefined) continue;
    const column = columnsNamed(keys, ALIASES[field]).find((i) => !used.has(i));
    if (column === undefined) continue;
    fields[field] = column;
    used.add(column);
  }
  const indexColumns = keys.flatMap((key, i) => (INDEX_COLUMN.test(key) && !used.has(i) ? [i] : []));
  return {
    names,
    fields,
    arxivSources: arxivSources(fields, keys, indexColumns, 'id' in fieldMap),
    extra: names.flatMap((_, i) => (used.has(i) || indexColumns.includes(i) ? [] : [i])),
    missing: missingRequired(fields, names),
  };
}

function uniqueNames(header: string[]): string[] {
  const taken = new Set<string>();
  return header.map((cell, i) => {
    const base = cell.trim() === '' ? `column_${i + 1}` : cell.trim();
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
    taken.add(name);
    return name;
  });
}

/** Columns whose normalised header is one of `aliases`, in alias order. */
function columnsNamed(keys: string[], aliases: readonly string[]): number[] {
  return aliases.flatMap((alias) => keys.flatMap((key, i) => (key === alias ? [i] : [])));
}

const isField = (name: string): name is Field => (FIELDS as readonly string[]).includes(name);

/** The columns `--map` names; a field or column that does not exist is the user's typo: throw. */
function mappedColumns(fieldMap: Record<string, string>, keys: string[], names: string[]): Partial<Record<Field, number>> {
  const fields: Partial<Record<Field, number>> = {};
  for (const [field, column] of Object.entries(fieldMap)) {
    if (!isField(field)) {
      throw new Error(`--map ${field}=${column}: there is no field "${field}"; the fields are ${FIELDS.join(', ')}`);
    }
    // As written (or as named in the error below, `title_2` for a repeat), else loosely.
    let index = names.indexOf(column.trim());
    if (index < 0) index = keys.indexOf(normalizeHeader(column));
    if (index < 0) {
      throw new Error(`--map ${field}=${column}: the file has no column "${column}"; its columns are ${names.join(', ')}`);
    }
    fields[field] = index;
  }
  return fields;
}

/** An id the user mapped is the only place to look; otherwise any column that may hold one. */
function arxivSources(fields: Partial<Record<Field, number>>, keys: string[], indexColumns: number[], idMapped: boolean): number[] {
  const candidates = idMapped
    ? [fields.id]
    : [fields.id, ...columnsNamed(keys, ALIASES.id), fields.url, ...columnsNamed(keys, ALIASES.url), ...columnsNamed(keys, PDF_COLUMNS), ...indexColumns];
  return [...new Set(candidates.filter((i) => i !== undefined))];
}

function missingRequired(fields: Partial<Record<Field, number>>, names: string[]): ColumnPlan['missing'] {
  const missing: ColumnPlan['missing'] = {};
  for (const field of ['title', 'abstract'] as const) {
    if (fields[field] !== undefined) continue;
    missing[field] = {
      field,
      reason: `is required; the header has ${names.join(', ')} — use --map ${field}=<column>`,
    };
  }
  return missing;
}

// ---------------------------------------------------------------------------------------------
// A row: the record, or why it cannot be one

function mapRow(cells: string[], plan: ColumnPlan): MappedRecord {
  const raw = rowObject(cells, plan.names);
  const shape = shapeProblem(cells, plan.names.length);
  if (shape !== null) return { ok: false, problems: [shape], raw };

  const cell = (field: Field): string | undefined => {
    const index = plan.fields[field];
    const value = index === undefined ? undefined : cells[index]?.trim();
    return value === '' ? undefined : value;
  };
  const problems: FieldProblem[] = [];
  const required = (field: 'title' | 'abstract'): string | null => {
    const missing = plan.missing[field];
    if (missing === undefined) return requiredText(cells[plan.fields[field]!], field, problems);
    problems.push(missing);
    return null;
  };
  const title = required('title');
  const abstract = required('abstract');
  if (title === null || abstract === null) return { ok: false, problems, raw };

  const reader = new FieldReader();
  const arxiv = firstArxivId(cells, plan.arxivSources);
  const doi = reader.doi(cell('doi'), 'doi');
  const built = buildRecord({
    // The arXiv id first, so the same paper from another source is the same record.
    id: arxiv ?? reader.text(cell('id'), 'id') ?? doi,
    title,
    abstract,
    authors: authorsOf(cell('authors'), reader),
    published: reader.date(yearOrDate(cell('published')), 'published'),
    updated: reader.date(yearOrDate(cell('updated')), 'updated'),
    categories: categoriesOf(cell('categories'), reader),
    doi,
    url: paperUrl(cell('url'), arxiv, reader),
    github_url: reader.url(cell('github_url'), 'github_url'),
    project_url: reader.url(cell('project_url'), 'project_url'),
    upvotes: reader.count(cell('upvotes'), 'upvotes'),
    extra: extraOf(cells, plan),
  });
  if (!built.ok) return { ok: false, problems: [{ field: built.field, reason: built.reason }], raw };
  return { ok: true, record: built.record, warnings: [...reader.warnings, ...built.warnings] };
}

/** The row as header → cell for the skip report; cells past the header are `column_N`. */
function rowObject(cells: string[], names: string[]): Record<string, string> {
  return Object.fromEntries(cells.map((cell, i) => [names[i] ?? `column_${i + 1}`, cell]));
}

/**
 * A row with fewer cells than the header has its values under the wrong columns (an unquoted
 * line break splits a row in two), as does one with more non-blank cells (an unquoted delimiter).
 * Extra blank cells are only a trailing delimiter.
 */
function shapeProblem(cells: string[], width: number): FieldProblem | null {
  const extraText = cells.slice(width).some((cell) => cell.trim() !== '');
  if (cells.length >= width && !extraText) return null;
  const cause = cells.length < width ? 'a line break in an unquoted cell ends a row early' : 'a delimiter in an unquoted cell splits it';
  return { field: '(row)', reason: `has ${cells.length} cells but the header has ${width} columns (${cause}?)` };
}

function firstArxivId(cells: string[], columns: number[]): string | null {
  for (const column of columns) {
    const id = arxivId(cells[column]);
    if (id !== null) return id;
  }
  return null;
}

/** The paper's page: an arXiv link is rewritten to the abstract page; the arXiv id supplies one. */
function paperUrl(value: string | undefined, arxiv: string | null, reader: FieldReader): string | null {
  const linked = arxivId(value);
  if (linked !== null) return arxivUrl(linked);
  const url = reader.url(value, 'url');
  if (url !== null) return url;
  return arxiv === null ? null : arxivUrl(arxiv);
}

// pandas writes a year column holding blanks as floats: `2021.0`.
const yearOrDate = (value: string | undefined): string | undefined => value?.replace(/^(\d{4})\.0+$/, '$1');

/**
 * Authors as a Python list repr (`['A. B', 'C. D']`), else names separated by `;`, else by `,`,
 * and ` and ` in either. A lone `Last, First` (two one-word pieces) stays one name; longer
 * comma lists are read as one name per piece, so `Smith, J., Doe, A.` cannot be told apart and
 * becomes four names — use `;` between names when they are written last name first.
 */
function authorsOf(value: string | undefined, reader: FieldReader): string[] | null {
  if (value === undefined) return null;
  if (!looksLikePythonList(value)) return splitNames(value);
  const list = parsePythonList(value);
  if (list !== null) return reader.names(list, 'authors');
  return reader.warn('authors', `must be a list like ['A. Author', 'B. Author'] or names separated by ";", ${got(value)}; dropped`);
}

function splitNames(text: string): string[] | null {
  const byComma = !text.includes(';');
  let pieces = text.split(byComma ? ',' : ';');
  if (byComma && pieces.length === 2 && pieces.every((piece) => /^\S+$/.test(piece.trim()))) pieces = [text];
  const names = pieces
    .flatMap((piece) => piece.trim().split(/(?:^|\s+)and\s+/i))
    .map(normalizeSpace)
    .filter((name) => name !== '');
  return names.length > 0 ? names : null;
}

/** Categories as a Python list repr, else separated by `;`, else `,`, else spaces (`cs.LG cs.AI`). */
function categoriesOf(value: string | undefined, reader: FieldReader): string[] | null {
  if (value === undefined) return null;
  if (looksLikePythonList(value)) {
    const list = parsePythonList(value);
    if (list !== null) return reader.names(list, 'categories');
    return reader.warn('categories', `must be a list like ['cs.LG', 'stat.ML'] or separated by spaces, ${got(value)}; dropped`);
  }
  const separator = value.includes(';') ? ';' : value.includes(',') ? ',' : /\s+/;
  const names = value
    .split(separator)
    .map(normalizeSpace)
    .filter((name) => name !== '');
  return names.length > 0 ? names : null;
}

/** Columns no field uses, by header name; blank cells are left out. */
function extraOf(cells: string[], plan: ColumnPlan): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  for (const column of plan.extra) {
    const value = cells[column]?.trim();
    if (value) extra[plan.names[column]!] = value;
  }
  return extra;
}
