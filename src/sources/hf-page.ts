// Parser for text dumps of a Hugging Face Daily Papers search page (data/sample/*.txt).
// Entries are recognised by their shape, not by known strings, so other dumps of the same format work.

import { buildRecord, normalizeSpace } from './build-record.ts';
import { byLine, dropDuplicateIds, type LocatedRecord, type LocatedResult } from './located.ts';
import type { ReadOptions, SourceProblem } from './record.ts';

// An abstract is a prose paragraph. The floor keeps short page chrome ("Daily Papers",
// "byAK and the research community") from being read as an abstract; real abstracts in the
// sample are 340+ characters. Titles are single lines well under the ceiling.
const MIN_ABSTRACT_CHARS = 100;
const MAX_TITLE_CHARS = 300;

const AUTHORS_LINE = /^•\s*(\d+)\s+authors?$/i;
const SEPARATOR_LINE = /^[·•]$/;
// "Nov 25, 2024 2": month, day, optional year, optional upvote count.
const DATE_LINE = /^([A-Za-z]{3,9})\.? (\d{1,2})(?:, (\d{4}))?(?: (\d+))?$/;
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** A run of non-blank lines; the page separates title, abstract and metadata with blank lines. */
interface Block {
  /** 1-based line of the block's first line. */
  line: number;
  lines: string[];
  text: string;
}

interface DateLine {
  month: number;
  day: number;
  year: number | null;
  upvotes: number | null;
}

function splitBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let current: Block | null = null;
  text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .forEach((raw, index) => {
      if (raw.trim() === '') {
        current = null;
        return;
      }
      if (current === null) {
        current = { line: index + 1, lines: [], text: '' };
        blocks.push(current);
      }
      current.lines.push(raw.trim());
    });
  for (const block of blocks) block.text = normalizeSpace(block.lines.join(' '));
  return blocks;
}

function monthIndex(name: string): number | null {
  const lower = name.toLowerCase();
  const index = MONTHS.findIndex((m) => m === lower || m.slice(0, 3) === lower || (m === 'september' && lower === 'sept'));
  return index === -1 ? null : index;
}

function parseDateLine(line: string): DateLine | null {
  const match = DATE_LINE.exec(line);
  if (match === null) return null;
  const month = monthIndex(match[1]!);
  if (month === null) return null;
  return {
    month,
    day: Number(match[2]),
    year: match[3] === undefined ? null : Number(match[3]),
    upvotes: match[4] === undefined ? null : Number(match[4]),
  };
}

/** `YYYY-MM-DD`, or null when the day does not exist in that month and year. */
function isoDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month, day));
  if (date.getUTCMonth() !== month || date.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function isMetadataLine(line: string): boolean {
  return AUTHORS_LINE.test(line) || SEPARATOR_LINE.test(line) || parseDateLine(line) !== null;
}

function isMetadataBlock(block: Block): boolean {
  return block.lines.every(isMetadataLine);
}

function isTitle(block: Block): boolean {
  return (
    block.lines.length === 1 && block.text.length <= MAX_TITLE_CHARS && /[\p{L}\p{N}]/u.test(block.text) && !isMetadataBlock(block) // a lone date such as the page's "Nov 14" is never a title
  );
}

function isAbstractOf(title: Block, block: Block | undefined): block is Block {
  return block !== undefined && !isMetadataBlock(block) && block.text.length >= MIN_ABSTRACT_CHARS && block.text.length > title.text.length;
}

/**
 * Does a paper entry start at block i? It must be a title line followed by an abstract
 * paragraph. Metadata right after confirms it. Without metadata, one ambiguity remains: a
 * chrome line just before a long title (>= 100 chars) looks like "title + abstract" too; if
 * block i+1 is itself a title for the paragraph after it, that reading wins and i is chrome.
 */
function startsEntry(blocks: Block[], i: number): boolean {
  const title = blocks[i];
  const abstract = blocks[i + 1];
  if (title === undefined || !isTitle(title) || !isAbstractOf(title, abstract)) return false;
  const after = blocks[i + 2];
  if (after !== undefined && isMetadataBlock(after)) return true;
  return !(isTitle(abstract) && isAbstractOf(abstract, after));
}

function quoteAll(blocks: Block[], max = 8): string {
  const shown = blocks.slice(0, max).map((b) => JSON.stringify(b.text.length > 60 ? `${b.text.slice(0, 57)}...` : b.text));
  return shown.join(', ') + (blocks.length > max ? `, … (${blocks.length - max} more)` : '');
}

interface CapturedYear {
  year: number;
  /** given: ReadOptions.capturedYear; detected: from the page's own dates; default: the current UTC year. */
  source: 'given' | 'detected' | 'default';
  /** detected: the newest date that printed its year, as written (without upvotes). */
  newest?: string;
}

/**
 * The year the page was captured, which yearless dates belong to. Given, it wins. Otherwise it is
 * read from the page itself, so reading the same file again never changes a date: Hugging Face
 * prints the year only for dates outside the year the page is viewed in, so a page mixing both
 * was captured after its newest dated entry; the year after it is the earliest that fits (the
 * sample: newest "Nov 25, 2024", captured 2025). Only a page whose dates all lack a year falls
 * back to the current UTC year.
 */
function resolveCapturedYear(options: ReadOptions, blocks: Block[]): CapturedYear {
  if (options.capturedYear !== undefined) {
    const year = options.capturedYear;
    if (!Number.isInteger(year) || year < 1000 || year > 9999) {
      throw new RangeError(`capturedYear must be a four-digit year, got ${String(year)}`);
    }
    return { year, source: 'given' };
  }
  let newest: { key: number; line: string; year: number } | undefined;
  for (const block of blocks) {
    if (!isMetadataBlock(block)) continue;
    for (const line of block.lines) {
      const date = parseDateLine(line);
      if (date?.year == null) continue;
      const key = (date.year * 12 + date.month) * 32 + date.day;
      if (newest === undefined || key > newest.key) newest = { key, line: line.replace(/(\d{4}) \d+$/, '$1'), year: date.year };
    }
  }
  if (newest !== undefined && newest.year < 9999) return { year: newest.year + 1, source: 'detected', newest: newest.line };
  return { year: new Date().getUTCFullYear(), source: 'default' };
}

/**
 * Parse a page dump. Each entry is: a title line, a blank line, the abstract paragraph, then
 * optional metadata lines (`• N authors`, `·`, `Mon D[, YYYY] [upvotes]`). Anything before the
 * first or after the last entry is page chrome (reported in notes); anything unrecognised
 * between entries is reported as a problem, since it may be a paper we failed to read.
 */
export function parseHfPage(text: string, file: string, options: ReadOptions = {}): LocatedResult {
  const blocks = splitBlocks(text);
  const captured = resolveCapturedYear(options, blocks);
  const capturedYear = captured.year;
  const located: LocatedRecord[] = [];
  const problems: SourceProblem[] = [];
  const chrome: Block[] = [];
  let pending: Block[] = [];
  let entries = 0;
  let datesWithYear = 0;
  let datesWithoutYear = 0;

  for (let i = 0; i < blocks.length; ) {
    if (!startsEntry(blocks, i)) {
      pending.push(blocks[i]!);
      i++;
      continue;
    }
    if (entries === 0) chrome.push(...pending);
    else if (pending.length > 0) {
      problems.push({
        file,
        line: pending[0]!.line,
        field: '(entry)',
        reason: `not a paper entry (expected a title line, then an abstract paragraph of at least ${MIN_ABSTRACT_CHARS} characters); skipped ${quoteAll(pending, 3)}`,
      });
    }
    pending = [];
    entries++;

    const title = blocks[i]!;
    const abstract = blocks[i + 1]!;
    let j = i + 2;
    let authorsCount: number | null = null;
    let date: DateLine | null = null;
    let dateText = '';
    for (; blocks[j] !== undefined && isMetadataBlock(blocks[j]!); j++) {
      for (const line of blocks[j]!.lines) {
        const authors = AUTHORS_LINE.exec(line);
        if (authors !== null) authorsCount = Number(authors[1]);
        const parsed = parseDateLine(line);
        if (parsed !== null) [date, dateText] = [parsed, line];
      }
    }
    i = j;

    let published: string | null = null;
    if (date !== null) {
      published = isoDate(date.year ?? capturedYear, date.month, date.day);
      if (published === null) {
        const year = date.year === null ? ` (year ${capturedYear} assumed)` : '';
        problems.push({ file, line: title.line, field: 'published', reason: `"${dateText}" is not a calendar date${year}` });
        continue;
      }
      if (date.year === null) datesWithoutYear++;
      else datesWithYear++;
    }
    const built = buildRecord({
      title: title.text,
      abstract: abstract.text,
      authors: null,
      authors_count: authorsCount,
      published,
      upvotes: date?.upvotes ?? null,
    });
    if (built.ok) located.push({ record: built.record, line: title.line });
    else problems.push({ file, line: title.line, field: built.field, reason: built.reason });
  }
  chrome.push(...pending);

  const { kept, problems: duplicates } = dropDuplicateIds(located, file);
  const notes: string[] = [];
  if (chrome.length > 0) {
    notes.push(`${file}: skipped ${chrome.length} block(s) of page chrome that are not paper entries: ${quoteAll(chrome)}`);
  }
  if (entries === 0) {
    notes.push(`${file}: no paper entries found; expected a Hugging Face Daily Papers page dump (title line, blank line, abstract paragraph, metadata lines)`);
  }
  if (datesWithoutYear > 0) {
    const source = {
      given: 'the given captured year',
      detected: `the year after the newest entry that printed its year, "${captured.newest}": the page prints a year only for dates outside the year it was captured in`,
      default: 'the current UTC year: no entry printed its year',
    }[captured.source];
    notes.push(
      `${file}: ${datesWithoutYear} date(s) had no year and were taken to be in ${capturedYear} (${source}); ` +
        `${datesWithYear} date(s) printed their own year. Pass --captured-year to set the year the page was captured.`,
    );
  }
  return { records: kept, problems: byLine([...problems, ...duplicates]), notes };
}
