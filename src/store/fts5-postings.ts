// Reads a term's postings (row ids and per-column term frequencies) and the collection statistics
// straight from an FTS5 table's shadow tables, so the keyword ranker can score with its own BM25
// and prune (../search/keyword-ranker.ts) while FTS5 stays the index: it tokenizes, stores and
// updates the postings transactionally; this module only reads them.
//
// The on-disk format is documented in SQLite's fts5_index.c ("Details", the %_data records):
//   - %_data id 10: structure record (levels of segments), id 1: averages record (rows, tokens per column);
//   - segment leaf pages at id (segid << 37) + pgno, each: u16 offset of the first rowid on the page
//     (0: none before the first term), u16 offset of the page footer (term offsets, varints);
//   - a term's doclist: varint rowid (absolute first, then deltas), varint 2·size (+1 = delete flag),
//     `size` bytes of poslist (varint offset+2 per occurrence; 0x01 then a varint column switches column).
//     Doclists and poslists continue on the following pages (bytes from offset 4);
//   - %_idx (segid, term, pgno·2 + has-doclist-index): the leaf page where a term may start.
// Several segments can hold a row: the newest wins (level 0 before 1…, and in a level the later
// segment first), and an entry with an empty poslist marks the row deleted there.
// Integers are SQLite varints (big-endian groups of 7 bits), not LEB128.
import type { Statement } from 'better-sqlite3';
import type { Db } from './database.ts';

/** A term's live entries in ascending row order, with its occurrences per column. */
export interface Postings {
  rows: Int32Array;
  /** Occurrences per column: `counts[column][i]` for `rows[i]`. */
  counts: Uint16Array[];
}

export interface CollectionStats {
  /** Rows in the index. */
  rows: number;
  /** Tokens per column over all rows. */
  tokens: number[];
}

interface Segment {
  id: number;
  firstPage: number;
  lastPage: number;
}

const AVERAGES_ID = 1;
const STRUCTURE_ID = 10;
const STRUCTURE_V2 = [0xff, 0x00, 0x00, 0x01];
const PAGE_SHIFT = 2 ** 37;
/** Terms of the main index are stored after this byte (prefix indexes use others). */
const MAIN_PREFIX = 0x30;
const encoder = new TextEncoder();

/** A cursor over a byte array reading SQLite varints. */
class Bytes {
  pos = 0;
  constructor(public data: Uint8Array) {}

  varint(): number {
    const a = this.data;
    let value = 0;
    for (let i = 0; i < 8; i++) {
      const byte = a[this.pos++]!;
      value = value * 128 + (byte & 0x7f);
      if (byte < 0x80) return value;
    }
    // The ninth byte carries 8 bits.
    return value * 256 + a[this.pos++]!;
  }
}

export class Fts5Postings {
  /** One %_data record by id (the averages and structure records). */
  private readonly recordStatement: Statement<unknown[], { block: Buffer }>;
  private readonly pagesStatement: Statement<unknown[], Buffer>;
  private readonly seekStatement: Statement<unknown[], number>;
  private readonly nextTermStatement: Statement<unknown[], number>;
  private cachedStructure: { block: Buffer; segments: Segment[] } | undefined;

  constructor(
    db: Db,
    table: string,
    private readonly columns: number,
  ) {
    const data = `"${table}_data"`;
    this.recordStatement = db.prepare(`SELECT block FROM ${data} WHERE id = ?`);
    const idx = `"${table}_idx"`;
    this.pagesStatement = db.prepare<unknown[], Buffer>(`SELECT block FROM ${data} WHERE id BETWEEN ? AND ? ORDER BY id`).pluck();
    this.seekStatement = db.prepare<unknown[], number>(`SELECT pgno FROM ${idx} WHERE segid = ? AND term <= ? ORDER BY term DESC LIMIT 1`).pluck();
    this.nextTermStatement = db.prepare<unknown[], number>(`SELECT pgno FROM ${idx} WHERE segid = ? AND term > ? ORDER BY term LIMIT 1`).pluck();
  }

  /** Rows and tokens per column (the averages record); zeros for an empty index. */
  stats(): CollectionStats {
    const row = this.recordStatement.get(AVERAGES_ID);
    if (!row) return { rows: 0, tokens: new Array<number>(this.columns).fill(0) };
    const bytes = new Bytes(row.block);
    const rows = bytes.varint();
    const tokens = Array.from({ length: this.columns }, () => (bytes.pos < row.block.length ? bytes.varint() : 0));
    return { rows, tokens };
  }

  /**
   * The structure record's bytes: they change with every write to the index, so they key anything
   * derived from its contents (statistics, cached postings).
   */
  version(): Buffer | undefined {
    return this.recordStatement.get(STRUCTURE_ID)?.block;
  }

  /** The term's live entries: its segments merged, the newest entry of a row winning, deleted rows dropped. */
  postings(term: string): Postings {
    const key = new Uint8Array([MAIN_PREFIX, ...encoder.encode(term)]);
    const found: Postings[] = []; // newest first
    for (const segment of this.segments()) {
      const postings = this.readSegment(segment, key);
      if (postings && postings.rows.length > 0) found.push(postings);
    }
    return dropDeleted(mergeSegments(found, this.columns));
  }

  private segments(): Segment[] {
    const block = this.version();
    if (!block) return [];
    if (this.cachedStructure?.block.equals(block)) return this.cachedStructure.segments;
    const segments = parseStructure(block);
    this.cachedStructure = { block, segments };
    return segments;
  }

  private readSegment(segment: Segment, key: Uint8Array): Postings | undefined {
    const seek = this.seekStatement.get(segment.id, key);
    const startPage = Math.max(segment.firstPage, seek === undefined ? segment.firstPage : Math.floor(seek / 2));
    // The doclist ends at the latest on the page where the next indexed term starts.
    const next = this.nextTermStatement.get(segment.id, key);
    const endPage = next === undefined ? segment.lastPage : Math.floor(next / 2);
    const pages = this.pagesStatement.all(segment.id * PAGE_SHIFT + startPage, segment.id * PAGE_SHIFT + endPage);
    return decodeDoclist(pages, key, this.columns);
  }
}

/** Segments of every level, newest first (the order in which a row's first entry is its live one). */
export function parseStructure(block: Uint8Array): Segment[] {
  const bytes = new Bytes(block);
  bytes.pos = 4; // configuration cookie
  const v2 = STRUCTURE_V2.every((byte, i) => block[4 + i] === byte);
  if (v2) bytes.pos += 4;
  const levels = bytes.varint();
  bytes.varint(); // total segments
  bytes.varint(); // write counter
  const newestFirst: Segment[] = [];
  for (let level = 0; level < levels; level++) {
    bytes.varint(); // segments in an ongoing merge
    const count = bytes.varint();
    const inLevel: Segment[] = [];
    for (let i = 0; i < count; i++) {
      inLevel.push({ id: bytes.varint(), firstPage: bytes.varint(), lastPage: bytes.varint() });
      if (v2) for (let skip = 0; skip < 5; skip++) bytes.varint();
    }
    newestFirst.push(...inLevel.reverse());
  }
  return newestFirst;
}

const u16 = (page: Uint8Array, at: number) => (page[at]! << 8) | page[at + 1]!;

/** Where a term's doclist starts on a page and where it ends there (`continues`: it may go on). */
function findTerm(page: Uint8Array, key: Uint8Array): { start: number; end: number; continues: boolean } | undefined {
  const footer = u16(page, 2);
  if (footer >= page.length) return undefined; // no term starts on this page
  const offsets = new Bytes(page);
  offsets.pos = footer;
  const bytes = new Bytes(page);
  let termOffset = offsets.varint();
  let term = new Uint8Array(0);
  for (let index = 0; ; index++) {
    bytes.pos = termOffset;
    const keep = index === 0 ? 0 : bytes.varint();
    const added = bytes.varint();
    const next = new Uint8Array(keep + added);
    next.set(term.subarray(0, keep));
    next.set(page.subarray(bytes.pos, bytes.pos + added), keep);
    term = next;
    const start = bytes.pos + added;
    const last = offsets.pos >= page.length;
    const order = compareBytes(term, key);
    if (order === 0) {
      if (last) return { start, end: footer, continues: true };
      return { start, end: termOffset + offsets.varint(), continues: false };
    }
    if (order > 0 || last) return undefined;
    termOffset += offsets.varint();
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Growable parallel arrays of rows and per-column counts. */
class Builder {
  rows = new Int32Array(64);
  counts: Uint16Array[];
  size = 0;

  constructor(columns: number) {
    this.counts = Array.from({ length: columns }, () => new Uint16Array(64));
  }

  push(row: number, poslist: Uint8Array, from: number, to: number): void {
    if (this.size === this.rows.length) {
      const grow = <T extends Int32Array | Uint16Array>(old: T): T => {
        const next = new (old.constructor as new (n: number) => T)(old.length * 2);
        next.set(old);
        return next;
      };
      this.rows = grow(this.rows);
      this.counts = this.counts.map(grow);
    }
    const at = this.size++;
    this.rows[at] = row;
    // Every varint ends with a byte below 0x80; a varint equal to 1 (one byte 0x01) switches column.
    // Counts start at zero (fresh arrays), and each entry is written once.
    let column = 0;
    let count = 0;
    let i = from;
    while (i < to) {
      const byte = poslist[i]!;
      if (byte === 0x01) {
        this.setCount(column, at, count);
        count = 0;
        column = 0;
        i++;
        while (poslist[i]! >= 0x80) column = column * 128 + (poslist[i++]! & 0x7f);
        column = column * 128 + poslist[i++]!;
        continue;
      }
      i++;
      if (byte >= 0x80) while (poslist[i++]! >= 0x80);
      count++;
    }
    this.setCount(column, at, count);
  }

  private setCount(column: number, at: number, count: number): void {
    const counts = this.counts[column];
    if (counts && count > 0) counts[at] = Math.min(count, 0xffff);
  }

  done(): Postings {
    return { rows: this.rows.slice(0, this.size), counts: this.counts.map((column) => column.slice(0, this.size)) };
  }
}

/** Decodes a term's doclist from the segment's pages (starting with the page where it may start). */
function decodeDoclist(pages: readonly Uint8Array[], key: Uint8Array, columns: number): Postings | undefined {
  let pageIndex = 0;
  let page = pages[0];
  if (!page) return undefined;
  const found = findTerm(page, key);
  if (!found) return undefined;
  const out = new Builder(columns);
  const bytes = new Bytes(page);
  bytes.pos = found.start;
  let end = found.end;
  let continues = found.continues;
  let row = 0;
  let absolute = true;
  for (;;) {
    while (bytes.pos < end) {
      const value = bytes.varint();
      row = absolute ? value : row + value;
      absolute = false;
      const size = bytes.varint() >> 1;
      const footer = u16(page, 2);
      if (bytes.pos + size <= footer) {
        out.push(row, page, bytes.pos, bytes.pos + size);
        bytes.pos += size;
        continue;
      }
      // The poslist goes on over the next page(s), from their byte 4.
      const poslist = new Uint8Array(size);
      let filled = footer - bytes.pos;
      poslist.set(page.subarray(bytes.pos, footer));
      while (filled < size) {
        page = pages[++pageIndex];
        if (!page) throw new Error('FTS5 doclist ends inside a poslist');
        const take = Math.min(size - filled, u16(page, 2) - 4);
        poslist.set(page.subarray(4, 4 + take), filled);
        filled += take;
        bytes.data = page;
        bytes.pos = 4 + take;
      }
      out.push(row, poslist, 0, size);
      const firstRow = u16(page, 0);
      const pageFooter = u16(page, 2);
      const hasTerms = pageFooter < page.length;
      if (firstRow === 0) {
        if (hasTerms) return out.done(); // the next term starts here
        end = bytes.pos; // the poslist filled the page: the next row is on a later page
        continues = true;
        continue;
      }
      end = hasTerms ? firstTermOffset(page) : pageFooter;
      continues = !hasTerms;
      bytes.pos = firstRow;
      absolute = true;
    }
    if (!continues) return out.done();
    page = pages[++pageIndex];
    if (!page) return out.done();
    const firstRow = u16(page, 0);
    if (firstRow === 0) return out.done();
    const footer = u16(page, 2);
    const hasTerms = footer < page.length;
    end = hasTerms ? firstTermOffset(page) : footer;
    continues = !hasTerms;
    bytes.data = page;
    bytes.pos = firstRow;
    absolute = true;
  }
}

function firstTermOffset(page: Uint8Array): number {
  const bytes = new Bytes(page);
  bytes.pos = u16(page, 2);
  return bytes.varint();
}

/**
 * `older` with `newer`'s entries in place of its own for the rows both have. Rows mostly come in
 * increasing ranges per segment (labels only grow), so runs between the newer rows are block copies.
 */
function mergeNewer(older: Postings, newer: Postings): Postings {
  const n = older.rows.length;
  const m = newer.rows.length;
  if (m === 0) return older;
  const rows = new Int32Array(n + m);
  const counts = older.counts.map(() => new Uint16Array(n + m));
  let size = 0;
  let from = 0;
  const copy = (source: Postings, start: number, end: number) => {
    rows.set(source.rows.subarray(start, end), size);
    source.counts.forEach((column, c) => counts[c]!.set(column.subarray(start, end), size));
    size += end - start;
  };
  for (let j = 0; j < m; j++) {
    const row = newer.rows[j]!;
    const at = lowerBound(older.rows, row, from);
    copy(older, from, at);
    copy(newer, j, j + 1);
    from = at < n && older.rows[at] === row ? at + 1 : at;
  }
  copy(older, from, n);
  return { rows: rows.subarray(0, size), counts: counts.map((column) => column.subarray(0, size)) };
}

/**
 * One list from a term's segments (newest first). Segments usually hold disjoint row ranges (labels
 * only grow, and merges keep them apart): then it is one concatenation in row order; where ranges
 * overlap (updated or deleted papers), newer entries replace older ones.
 */
function mergeSegments(newestFirst: Postings[], columns: number): Postings {
  const byRow = [...newestFirst].sort((a, b) => a.rows[0]! - b.rows[0]!);
  const disjoint = byRow.every((segment, i) => i === 0 || byRow[i - 1]!.rows.at(-1)! < segment.rows[0]!);
  if (disjoint) return concat(byRow, columns);
  return newestFirst.reduceRight((older, newer) => mergeNewer(older, newer));
}

function concat(parts: Postings[], columns: number): Postings {
  if (parts.length === 1) return parts[0]!;
  const total = parts.reduce((sum, part) => sum + part.rows.length, 0);
  const rows = new Int32Array(total);
  const counts = Array.from({ length: columns }, () => new Uint16Array(total));
  let at = 0;
  for (const part of parts) {
    rows.set(part.rows, at);
    part.counts.forEach((column, c) => counts[c]!.set(column, at));
    at += part.rows.length;
  }
  return { rows, counts };
}

/** Rows whose newest entry was a delete marker (no occurrence in any column) are not matches. */
function dropDeleted(postings: Postings): Postings {
  const { rows, counts } = postings;
  const live = new Uint8Array(rows.length);
  for (const column of counts) for (let i = 0; i < rows.length; i++) if (column[i]! > 0) live[i] = 1;
  if (live.indexOf(0) < 0) return postings;
  let kept = 0;
  for (let i = 0; i < rows.length; i++) {
    if (live[i] === 0) continue;
    rows[kept] = rows[i]!;
    for (const column of counts) column[kept] = column[i]!;
    kept++;
  }
  return { rows: rows.slice(0, kept), counts: counts.map((column) => column.slice(0, kept)) };
}

/** First index in [from, to) whose row is ≥ `row`, or `to` (rows ascending): a binary search. */
export function lowerBound(rows: Int32Array, row: number, from = 0, to = rows.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]! < row) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
