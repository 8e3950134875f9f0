// The FTS5 shadow-table reader against FTS5's own view of the same index (fts5vocab): every term's
// rows and per-column counts, over many segments, pages smaller than a doclist or a poslist, and
// rows updated and deleted after they were indexed.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Fts5Postings, parseStructure, type Postings } from '../../src/store/fts5-postings.ts';
import { FTS_TOKENIZE } from '../../src/store/keyword-index.ts';
import { random } from '../support/random.ts';

function expected(db: Database.Database, term: string): Map<number, [number, number]> {
  const out = new Map<number, [number, number]>();
  const rows = db.prepare('SELECT doc, col, count(*) AS n FROM temp.instances WHERE term = ? GROUP BY doc, col').all(term) as {
    doc: number;
    col: string;
    n: number;
  }[];
  for (const { doc, col, n } of rows) {
    const counts = out.get(doc) ?? [0, 0];
    counts[col === 'title' ? 0 : 1] = n;
    out.set(doc, counts);
  }
  return out;
}

const asMap = (postings: Postings) =>
  new Map(Array.from(postings.rows, (row, i) => [row, [postings.counts[0]![i]!, postings.counts[1]![i]!] as [number, number]]));

function build(pageSize: number, seed: number) {
  const db = new Database(':memory:');
  db.exec(`CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = ${FTS_TOKENIZE})`);
  db.exec(`INSERT INTO docs (docs, rank) VALUES ('pgsz', ${pageSize})`);
  db.exec("INSERT INTO docs (docs, rank) VALUES ('automerge', 4)");
  db.exec('CREATE VIRTUAL TABLE temp.instances USING fts5vocab(main, docs, instance)');
  db.exec('CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, docs, row)');
  const next = random(seed);
  const vocabulary = Array.from({ length: 60 }, (_, i) => `w${i}x`);
  // Zipf-like: low word numbers are common, so some doclists span many pages.
  const word = () => vocabulary[Math.floor(vocabulary.length * next() ** 3)]!;
  const text = (words: number) => Array.from({ length: words }, word).join(' ');
  const insert = db.prepare('INSERT INTO docs (rowid, title, body) VALUES (?, ?, ?)');
  let row = 0;
  for (let batch = 0; batch < 12; batch++) {
    db.transaction(() => {
      for (let i = 0; i < 60; i++) insert.run(++row, text(1 + Math.floor(next() * 4)), text(Math.floor(next() * 40)));
    })();
    // Updates and deletes of older rows land in newer segments.
    db.transaction(() => {
      for (let i = 0; i < 8; i++) {
        const target = 1 + Math.floor(next() * row);
        if (next() < 0.5) db.prepare('DELETE FROM docs WHERE rowid = ?').run(target);
        else db.prepare('UPDATE docs SET title = ?, body = ? WHERE rowid = ?').run(text(2), text(10), target);
      }
    })();
  }
  // One row whose poslist alone is longer than a page.
  insert.run(++row, 'w0x', Array.from({ length: 400 }, () => 'w0x').join(' '));
  return db;
}

describe('Fts5Postings', () => {
  for (const [pageSize, seed] of [
    [64, 1],
    [200, 2],
    [4050, 3],
  ] as const) {
    it(`reads every term as fts5vocab sees it (page size ${pageSize})`, () => {
      const db = build(pageSize, seed);
      const reader = new Fts5Postings(db, 'docs', 2);
      const segments = parseStructure(db.prepare('SELECT block FROM docs_data WHERE id = 10').pluck().get() as Buffer);
      expect(segments.length).toBeGreaterThan(3);
      const terms = db.prepare('SELECT term, doc FROM temp.terms').all() as { term: string; doc: number }[];
      expect(terms.length).toBeGreaterThan(50);
      for (const { term, doc } of terms) {
        const postings = reader.postings(term);
        expect([...postings.rows]).toEqual([...postings.rows].sort((a, b) => a - b));
        expect(postings.rows.length, term).toBe(doc);
        expect(asMap(postings), term).toEqual(expected(db, term));
      }
      expect(reader.postings('absent').rows.length).toBe(0);
      const totals = db.prepare('SELECT count(*) AS rows FROM docs').get() as { rows: number };
      expect(reader.stats().rows).toBe(totals.rows);
      db.close();
    });
  }

  it('counts tokens per column as the averages record has them', () => {
    const db = new Database(':memory:');
    db.exec(`CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = ${FTS_TOKENIZE})`);
    db.prepare('INSERT INTO docs (rowid, title, body) VALUES (?, ?, ?)').run(1, 'one two', 'three four five');
    db.prepare('INSERT INTO docs (rowid, title, body) VALUES (?, ?, ?)').run(2, 'six', 'seven');
    expect(new Fts5Postings(db, 'docs', 2).stats()).toEqual({ rows: 2, tokens: [3, 4] });
    db.close();
  });
});
