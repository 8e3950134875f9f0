// Schema v4: updated/categories/doi round-trip, the paper_categories table the triggers keep in
// step with papers (insert, update, delete, duplicates), the migration of a v3 database, the
// category filter's SQL (exact, prefix, case, index use) and paging through pending papers.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import type { PaperRecord } from '../../src/sources/record.ts';
import { categoryMatch } from '../../src/store/category.ts';
import { MIGRATIONS, openDatabase, SCHEMA_VERSION, type Db } from '../../src/store/database.ts';
import { filterCondition, type PaperFilter } from '../../src/store/filters.ts';
import { KeywordSearch } from '../../src/search/keyword-search.ts';
import { KeywordIndex } from '../../src/store/keyword-index.ts';
import { PaperTable } from '../../src/store/papers.ts';
import { paperRecord, tempDir } from '../support/fixtures.ts';

const record = (id: string, fields: Partial<PaperRecord> = {}): PaperRecord =>
  paperRecord(id, `Title ${id}`, `Abstract ${id} about lattice gauge theory`, fields);
const hashes = { content: 'c', record: 'r' };
const vector = Float32Array.from([1, 0, 0, 0]);

let dir: ReturnType<typeof tempDir>;
let db: Db;
let papers: PaperTable;
beforeEach(() => {
  dir = tempDir();
  db = openDatabase(path.join(dir.path, 'papers.db'));
  papers = new PaperTable(db);
});
afterEach(() => {
  db.close();
  dir.remove();
});

/** The paper_categories rows, as `category:id` text, sorted. */
const categoryRows = () =>
  db
    .prepare<[], { category: string; id: string }>('SELECT c.category, p.id FROM paper_categories c JOIN papers p USING (label) ORDER BY 1, 2')
    .all()
    .map((row) => `${row.category}:${row.id}`);

/**
 * Ids of the papers passing `filter`, sorted. The scan form of the condition (over all papers, as
 * labelsWhere reads it) and labelsPassing's lookup form (each given paper's own categories) must
 * agree on every filter.
 */
const passing = (filter: PaperFilter) => {
  const where = filterCondition(filter);
  const scanned = db
    .prepare<unknown[], string>(`SELECT id FROM papers WHERE ${where.sql} ORDER BY id`)
    .pluck()
    .all(...where.params);
  const all = db.prepare<[], { label: number; id: string }>('SELECT label, id FROM papers').all();
  const ids = (labels: Set<number>) =>
    all
      .filter((row) => labels.has(row.label))
      .map((row) => row.id)
      .sort();
  expect(
    ids(
      papers.labelsPassing(
        all.map((row) => row.label),
        filter,
      ),
    ),
  ).toEqual(scanned);
  expect(ids(papers.labelsWhere(filter))).toEqual(scanned);
  return scanned;
};

describe('new paper fields', () => {
  it('round-trip through insert, update and both readers', () => {
    const full = record('hep-ph/0307015', {
      authors: ['A. Author', 'B. Author'],
      authors_count: 2,
      published: '2003-07-01',
      updated: '2004-02-10',
      categories: ['hep-ph', 'hep-lat'],
      doi: '10.1103/PhysRevD.68.094001',
      url: 'https://arxiv.org/abs/hep-ph/0307015',
    });
    const label = papers.insert(full, hashes, vector);
    expect(papers.get('hep-ph/0307015')).toEqual(full);
    expect(papers.getByLabels([label]).get(label)).toEqual(full);
    const changed = { ...full, updated: '2005-01-01', categories: ['hep-th'], doi: null };
    papers.update(changed, hashes, null);
    expect(papers.get('hep-ph/0307015')).toEqual(changed);
    expect(papers.vectorOf('hep-ph/0307015')?.vector).toEqual(vector);
  });

  it('keeps absent fields absent', () => {
    papers.insert(record('plain'), hashes, null);
    expect(papers.get('plain')).toMatchObject({ updated: null, categories: null, doi: null });
  });
});

describe('paper_categories', () => {
  it('follows inserts, category changes and deletes', () => {
    papers.insert(record('a', { categories: ['cs.LG', 'stat.ML'] }), hashes, null);
    papers.insert(record('b', { categories: ['cs.CV'] }), hashes, null);
    papers.insert(record('c'), hashes, null);
    expect(categoryRows()).toEqual(['cs.CV:b', 'cs.LG:a', 'stat.ML:a']);

    papers.update(record('a', { categories: ['cs.AI'] }), hashes, null);
    papers.update(record('c', { categories: ['hep-ph'] }), hashes, null);
    papers.update(record('b', { title: 'retitled', categories: ['cs.CV'] }), hashes, null);
    expect(categoryRows()).toEqual(['cs.AI:a', 'cs.CV:b', 'hep-ph:c']);

    papers.update(record('c'), hashes, null); // categories removed
    papers.delete('a');
    expect(categoryRows()).toEqual(['cs.CV:b']);
    papers.delete('b');
    expect(categoryRows()).toEqual([]);
  });

  it('takes a category listed twice, or in two spellings of case, once', () => {
    papers.insert(record('a', { categories: ['cs.LG', 'cs.LG', 'CS.lg', 'cs.AI'] }), hashes, null);
    expect(categoryRows()).toEqual(['cs.AI:a', 'cs.LG:a']);
    papers.delete('a');
    expect(categoryRows()).toEqual([]);
  });
});

describe('category filter', () => {
  beforeEach(() => {
    papers.insert(record('lg', { categories: ['cs.LG', 'stat.ML'] }), hashes, vector);
    papers.insert(record('cv', { categories: ['cs.CV'] }), hashes, vector);
    papers.insert(record('ph', { categories: ['hep-ph'] }), hashes, vector);
    papers.insert(record('ph-old', { categories: ['hep-phenomenology'] }), hashes, vector);
    papers.insert(record('math', { categories: ['math.AG', 'Computer Science'] }), hashes, vector);
    papers.insert(record('none'), hashes, vector);
  });

  it('matches one category exactly, ignoring case', () => {
    expect(passing({ category: 'cs.LG' })).toEqual(['lg']);
    expect(passing({ category: 'stat.ml' })).toEqual(['lg']);
    expect(passing({ category: 'hep-ph' })).toEqual(['ph']);
    expect(passing({ category: 'computer science' })).toEqual(['math']);
    expect(passing({ category: 'cs' })).toEqual([]);
  });

  it('matches a prefix with a trailing * or .', () => {
    expect(passing({ category: 'cs.*' })).toEqual(['cv', 'lg']);
    expect(passing({ category: 'cs.' })).toEqual(['cv', 'lg']);
    expect(passing({ category: 'CS.*' })).toEqual(['cv', 'lg']);
    expect(passing({ category: 'hep-ph*' })).toEqual(['ph', 'ph-old']);
    expect(passing({ category: 'c*' })).toEqual(['cv', 'lg', 'math']);
    expect(passing({ category: 'nucl-th*' })).toEqual([]);
  });

  it('combines with the other filters and counts each paper once', () => {
    papers.update(record('cv', { categories: ['cs.CV'], github_url: 'https://github.com/x/y' }), hashes, null);
    expect(passing({ category: 'cs.*', hasCode: true })).toEqual(['cv']);
    expect(papers.countWithVectors({ category: 'cs.*' })).toBe(2);
    expect(papers.countWithVectors({ category: 'stat.*' })).toBe(1);
  });

  it('applies in keyword search, which asks it about the best matches first', () => {
    const keyword = new KeywordSearch({
      keyword: new KeywordIndex(db),
      labelsPassing: (labels, filter) => papers.labelsPassing(labels, filter),
      labelsWhere: (filter) => papers.labelsWhere(filter),
    });
    const ids = (filter?: PaperFilter) => [...papers.getByLabels(keyword.search('lattice', filter, 10).hits.map(([l]) => l)).values()].map((p) => p.id).sort();
    expect(ids()).toHaveLength(6);
    expect(ids({ category: 'cs.*' })).toEqual(['cv', 'lg']);
    expect(keyword.search('lattice', { category: 'hep-ph' }, 10).total).toBe(1);
    expect(keyword.search('lattice', { category: 'q-bio.*' }, 10).total).toBe(0);
  });

  it('is compiled to parameters, never to SQL text, and reads the primary key of paper_categories', () => {
    const hostile = "x' OR 1=1 --";
    const where = filterCondition({ category: hostile });
    expect(where.sql).not.toContain(hostile);
    expect(where.params).toEqual([hostile]);
    expect(passing({ category: hostile })).toEqual([]);
    for (const category of ['cs.LG', 'cs.*']) {
      const condition = filterCondition({ category });
      const plan = db
        .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN SELECT count(*) FROM papers WHERE vector IS NOT NULL AND ${condition.sql}`)
        .all(...condition.params)
        .map((row) => row.detail)
        .join('\n');
      expect(plan, category).toMatch(/SEARCH paper_categories USING PRIMARY KEY \(category[=>]/);
      expect(plan, category).not.toMatch(/SCAN paper_categories/);
    }
  });

  it('reads `cs.*` and `cs.` as the range cs. ≤ category < cs/, lower-cased for NOCASE', () => {
    expect(categoryMatch('cs.LG')).toEqual({ exact: 'cs.LG' });
    expect(categoryMatch('cs.*')).toEqual({ from: 'cs.', below: 'cs/' });
    expect(categoryMatch('cs.')).toEqual({ from: 'cs.', below: 'cs/' });
    expect(categoryMatch('Math*')).toEqual({ from: 'math', below: 'mati' });
    expect(categoryMatch('QZ*')).toEqual({ from: 'qz', below: 'q{' });
  });
});

describe('pendingAfter', () => {
  it('pages through the papers without a vector in label order', () => {
    const labels = ['p1', 'p2', 'p3', 'p4', 'p5'].map((id, i) => papers.insert(record(id), hashes, i === 1 ? vector : null));
    const first = papers.pendingAfter(0, 2);
    expect(first.map((p) => p.record.id)).toEqual(['p1', 'p3']);
    expect(first.map((p) => p.label)).toEqual([labels[0], labels[2]]);
    papers.setVector('p4', vector); // embedded meanwhile: drops out of the next page
    const second = papers.pendingAfter(first.at(-1)!.label, 2);
    expect(second.map((p) => p.record.id)).toEqual(['p5']);
    expect(papers.pendingAfter(second.at(-1)!.label, 2)).toEqual([]);
  });
});

describe('migration from schema v3', () => {
  it('adds the new columns (NULL for existing papers), the category table and its triggers', () => {
    const file = path.join(dir.path, 'v3.db');
    const old = new Database(file);
    for (const sql of MIGRATIONS.slice(0, 3)) old.exec(sql);
    old.pragma('user_version = 3');
    old
      .prepare(
        `INSERT INTO papers (id, title, abstract, authors, authors_count, published, upvotes, url, github_url, project_url, extra,
                             content_hash, record_hash, vector, updated_at)
         VALUES ('old', 'Old paper', 'An abstract on lattice QCD', '["X"]', 1, '2020-01-01', 3, NULL, NULL, NULL, '{}', 'c', 'r', NULL, 'now')`,
      )
      .run();
    old.close();

    const migrated = openDatabase(file);
    try {
      expect(migrated.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(SCHEMA_VERSION).toBe(4);
      const table = new PaperTable(migrated);
      expect(table.get('old')).toMatchObject({ id: 'old', authors: ['X'], published: '2020-01-01', updated: null, categories: null, doi: null });
      expect(new KeywordIndex(migrated).matching('lattice')).toBe(1);
      // The triggers exist: a category given to the old paper and a new paper are both filterable.
      table.update(record('old', { categories: ['hep-lat'] }), hashes, null);
      table.insert(record('new', { categories: ['hep-lat', 'hep-ph'] }), hashes, null);
      const where = filterCondition({ category: 'hep-lat' });
      expect(
        migrated
          .prepare(`SELECT id FROM papers WHERE ${where.sql} ORDER BY id`)
          .pluck()
          .all(...where.params),
      ).toEqual(['new', 'old']);
      expect(table.pendingAfter(0, 10).map((p) => p.record.id)).toEqual(['old', 'new']);
    } finally {
      migrated.close();
    }
    // Opening again is a no-op.
    openDatabase(file).close();
  });
});

// Regression (issue 14): a database from a newer paperseek failed with a plain Error and its stack.
describe('a database written by a newer paperseek', () => {
  it('is refused with an AppError that says what to do, and the file is left as it was', () => {
    const file = path.join(dir.path, 'newer.db');
    const newer = new Database(file);
    newer.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    newer.close();
    let error: unknown;
    try {
      openDatabase(file).close();
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'INDEX_MISMATCH', details: { schema_version: SCHEMA_VERSION + 1, supported: SCHEMA_VERSION } });
    const message = (error as AppError).message;
    expect(message).toContain(
      `${file} was written by a newer paperseek (database schema version ${SCHEMA_VERSION + 1}; this one reads up to ${SCHEMA_VERSION})`,
    );
    expect(message).toContain('upgrade paperseek');
    expect(message).toContain('PAPERSEEK_DATA_DIR');
    const reopened = new Database(file);
    expect(reopened.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    reopened.close();
  });
});
