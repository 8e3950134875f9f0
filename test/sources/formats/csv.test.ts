// CSV/TSV reader: the real scraper CSV as it is, then the layouts and faults users' files have.
// Every row is read from a stream of text pieces, so tests also feed tiny pieces.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { MAX_ROW_CHARS, readDelimited, sniffDelimiter, type DelimitedOptions } from '../../../src/sources/formats/csv.ts';
import { parsePythonList } from '../../../src/sources/formats/python-list.ts';
import type { SourceEntry } from '../../../src/sources/record.ts';
import { formatSample } from '../../support/shared.ts';

async function* pieces(text: string, size = text.length || 1): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function collect(entries: AsyncIterable<SourceEntry>): Promise<SourceEntry[]> {
  const out: SourceEntry[] = [];
  for await (const entry of entries) out.push(entry);
  return out;
}

const csv = (text: string, options: Partial<DelimitedOptions> = {}, size?: number) =>
  collect(readDelimited(pieces(text, size), { delimiter: ',', ...options }));

/** The records of good entries; fails the test on a skipped row. */
function records(entries: SourceEntry[]) {
  return entries.map((entry) => {
    if (!entry.ok) throw new Error(`line ${entry.line} skipped: ${JSON.stringify(entry.problems)}`);
    return entry.record;
  });
}

describe('the arxiv_data CSV sample (CRLF rows, LF inside quoted abstracts, Python list reprs)', () => {
  const sample = async () => readFile(formatSample('csv/arxiv_data.head100.csv'), 'utf8');

  it('reads all 100 rows into records with lists, arXiv ids and collapsed abstracts', async () => {
    const entries = await csv(await sample());
    expect(entries).toHaveLength(100);
    expect(entries.every((entry) => entry.ok && entry.warnings.length === 0)).toBe(true);
    const all = records(entries);
    expect(all[0]).toMatchObject({
      // SOURCE.md: the `index` column of this scraper holds the arXiv id, so it becomes the id.
      id: '2505.24868',
      url: 'https://arxiv.org/abs/2505.24868',
      title: 'Consistent line clustering using geometric hypergraphs',
      authors: ['Kalle Alaluusua', 'Konstantin Avrachenkov', 'B. R. Vinay Kumar', 'Lasse Leskelä'],
      authors_count: 4,
      categories: ['math.ST', 'stat.ML'],
      published: null,
      doi: null,
      extra: {},
    });
    expect(all[0]!.abstract).toMatch(/^Traditional data analysis often represents data as a weighted graph .* up to a polylogarithmic factor\.$/);
    expect(all[2]).toMatchObject({
      id: '2505.24828',
      title: 'Coherent structures in long range FPUT lattices, Part I: Solitary Waves',
      authors: ['J. Douglas Wright', 'Udoh Akpan'],
      categories: ['math.AP', 'math.DS'],
    });
    // Row 20's abstract spans lines 21-22 in the file; its newline is now a space.
    expect(all[19]).toMatchObject({ id: '2505.24699', title: 'Geometric Littlewood-Offord problems via lattice point counting' });
    expect(all[19]!.abstract).not.toMatch(/\n|\s\s/);
    expect(all[22]).toMatchObject({
      title: 'From Group Operations to Geometric Structures: Amalgamations, HNN-Extensions, and Twisting in Coset Geometries',
      categories: ['math.GR', 'math.CO', 'math.GT'],
    });
    expect(all[99]).toMatchObject({ id: '2505.24018', authors: ['Milena Weiershausen'] });
    expect(new Set(all.map((r) => r.id)).size).toBe(100);
  });

  it('gives the line each row starts on, past multi-line abstracts', async () => {
    const lines = (await csv(await sample())).map((entry) => entry.line);
    expect(lines.slice(0, 3)).toEqual([2, 3, 4]);
    // Rows 20, 22 and 23 have abstracts over 2, 3 and 4 lines (checked with Python's csv module).
    expect(lines.slice(18, 25)).toEqual([20, 21, 23, 24, 27, 31, 32]);
    expect(lines[99]).toBe(131);
  });

  it('gives the same entries when the text comes in pieces of 5 or 7 characters', async () => {
    const text = await sample();
    const whole = await csv(text);
    expect(await csv(text, {}, 5)).toEqual(whole);
    expect(await csv(text, {}, 7)).toEqual(whole);
  });
});

describe('columns', () => {
  it('reads TSV, where commas and quotes-in-text are ordinary characters', async () => {
    const entries = await collect(
      readDelimited(pieces('Title\tAbstract\tAuthors\tCategories\tPublished\nA, B and C\tSome "text", here.\tAnn Lee; Bob Ray\tcs.LG cs.AI\t2024-11-25\n'), {
        delimiter: '\t',
      }),
    );
    expect(entries).toEqual([
      {
        ok: true,
        line: 2,
        warnings: [],
        record: expect.objectContaining({
          id: 'a-b-and-c',
          title: 'A, B and C',
          abstract: 'Some "text", here.',
          authors: ['Ann Lee', 'Bob Ray'],
          categories: ['cs.LG', 'cs.AI'],
          published: '2024-11-25',
        }),
      },
    ]);
  });

  it('splits authors on ";", else "," and " and "; a lone "Last, First" stays one name', async () => {
    const text = [
      'title,abstract,author',
      'P1,x,"Smith, J.; Doe, A."',
      'P2,x,"Ann Lee, Bob Ray and Cy Do"',
      'P3,x,"Smith, John"',
      'P4,x,Ann Lee and Bob Ray',
      'P5,x,"[""O\'Brien, P."", \'D\\\'Arcy\']"',
      'P6,x,[]',
    ].join('\n');
    expect(records(await csv(text)).map((r) => r.authors)).toEqual([
      ['Smith, J.', 'Doe, A.'],
      ['Ann Lee', 'Bob Ray', 'Cy Do'],
      ['Smith, John'],
      ['Ann Lee', 'Bob Ray'],
      ["O'Brien, P.", "D'Arcy"],
      null,
    ]);
  });

  it('reads categories from list reprs and ";", "," or space separated text (Kaggle titles/summaries/terms)', async () => {
    const text = [
      'titles,summaries,terms',
      `T1,x,"['cs.LG', 'cs.AI']"`,
      'T2,x,Computer Science; Mathematics',
      'T3,x,"cs.CV, cs.RO"',
      'T4,x,math.ST  stat.ML',
    ].join('\n');
    expect(records(await csv(text)).map((r) => r.categories)).toEqual([
      ['cs.LG', 'cs.AI'],
      ['Computer Science', 'Mathematics'],
      ['cs.CV', 'cs.RO'],
      ['math.ST', 'stat.ML'],
    ]);
  });

  it('reads a year column (also as pandas writes it, 2019.0) and an update date', async () => {
    const text = 'title,abstract,year,update_date\nA,x,2021,\nB,x,2019.0,2024-01-02\n';
    expect(records(await csv(text)).map((r) => [r.published, r.updated])).toEqual([
      ['2021-01-01', null],
      ['2019-01-01', '2024-01-02'],
    ]);
  });

  it('uses an arXiv id from an id column or an arXiv link, as the canonical id with its abstract page', async () => {
    const text = [
      'id,title,abstract,url,pdf_url,doi',
      'arXiv:2401.01234v2,A,x,,,',
      'W123,B,x,https://arxiv.org/pdf/2401.05678v1,,',
      'W124,C,x,https://example.org/c,https://arxiv.org/pdf/2401.09999.pdf,',
      'W125,D,x,https://example.org/d,,https://doi.org/10.1234/d',
      ',E,x,,,10.1234/e',
      ',F,x,,,',
    ].join('\n');
    const got = records(await csv(text)).map((r) => [r.id, r.url, r.doi]);
    expect(got).toEqual([
      ['2401.01234', 'https://arxiv.org/abs/2401.01234', null],
      ['2401.05678', 'https://arxiv.org/abs/2401.05678', null],
      // A link to somewhere else is kept as the url; the PDF link still names the paper.
      ['2401.09999', 'https://example.org/c', null],
      ['W125', 'https://example.org/d', '10.1234/d'],
      ['10.1234/e', null, '10.1234/e'],
      ['f', null, null],
    ]);
  });

  it('does not take a row-number index column for an id, nor keep it', async () => {
    const entries = await csv(',title,abstract\n0,First Paper,x\n1,Second Paper,y\n');
    expect(records(entries).map((r) => [r.id, r.extra])).toEqual([
      ['first-paper', {}],
      ['second-paper', {}],
    ]);
    const indexed = await csv('index,title,abstract\n7,First Paper,x\n');
    expect(records(indexed)[0]).toMatchObject({ id: 'first-paper', extra: {} });
  });

  it('keeps other columns in extra by header name, leaving blank cells out', async () => {
    const text = 'title,abstract,Venue,citations,github,upvotes\nA,x,NeurIPS,,https://github.com/a/b,12\n';
    expect(records(await csv(text))[0]).toMatchObject({
      extra: { Venue: 'NeurIPS' },
      github_url: 'https://github.com/a/b',
      upvotes: 12,
    });
  });

  it('--map picks a column for a field, overriding the header names', async () => {
    const text = 'Paper Title,title,body,summary\nReal title,Not this,The abstract.,Short\n';
    const [entry] = await csv(text, { fieldMap: { title: 'paper title', abstract: 'body' } });
    expect(entry).toMatchObject({
      ok: true,
      record: { title: 'Real title', abstract: 'The abstract.', extra: { title: 'Not this', summary: 'Short' } },
    });
  });

  it('--map with a column the file lacks, or a field paperseek lacks, is an error naming what exists', async () => {
    const text = 'index,title,tags,authors\n1,A,x,y\n';
    await expect(csv(text, { fieldMap: { abstract: 'summary' } })).rejects.toThrow(
      '--map abstract=summary: the file has no column "summary"; its columns are index, title, tags, authors',
    );
    await expect(csv(text, { fieldMap: { venue: 'tags' } })).rejects.toThrow(/no field "venue"; the fields are id, title, abstract/);
  });

  it('without an abstract column every row says which columns the file has', async () => {
    const entries = await csv('index,title,tags,authors\n1,A,"[\'x\']",B\n2,C,"[\'y\']",D\n');
    expect(entries).toEqual([
      {
        ok: false,
        line: 2,
        problems: [{ field: 'abstract', reason: 'is required; the header has index, title, tags, authors — use --map abstract=<column>' }],
        raw: { index: '1', title: 'A', tags: "['x']", authors: 'B' },
      },
      expect.objectContaining({ ok: false, line: 3 }),
    ]);
    const untitled = await csv('name,abstract\nA,x\n');
    expect(untitled[0]).toMatchObject({
      problems: [{ field: 'title', reason: 'is required; the header has name, abstract — use --map title=<column>' }],
    });
  });

  it('reads the first of repeated header names and keeps the others in extra as name_2', async () => {
    const text = 'title,abstract,title,tags,tags\nFirst,x,Second,a b,c d\n';
    expect(records(await csv(text))[0]).toMatchObject({
      title: 'First',
      categories: ['a', 'b'],
      extra: { title_2: 'Second', tags_2: 'c d' },
    });
    // The name it goes by in extra and in messages picks it for --map.
    expect(records(await csv(text, { fieldMap: { title: 'title_2' } }))[0]).toMatchObject({
      title: 'Second',
      extra: { title: 'First', tags_2: 'c d' },
    });
  });
});

describe('faulty rows', () => {
  it('makes a short or long row a problem on its line and reads on', async () => {
    const text = ['title,abstract,authors', 'Short row,x', 'Long,x,A,B', 'Trailing comma,x,A,', 'Good,y,B'].join('\n');
    const entries = await csv(text);
    expect(entries).toEqual([
      {
        ok: false,
        line: 2,
        problems: [{ field: '(row)', reason: 'has 2 cells but the header has 3 columns (a line break in an unquoted cell ends a row early?)' }],
        raw: { title: 'Short row', abstract: 'x' },
      },
      {
        ok: false,
        line: 3,
        problems: [{ field: '(row)', reason: 'has 4 cells but the header has 3 columns (a delimiter in an unquoted cell splits it?)' }],
        raw: { title: 'Long', abstract: 'x', authors: 'A', column_4: 'B' },
      },
      expect.objectContaining({ ok: true, line: 4, record: expect.objectContaining({ title: 'Trailing comma' }) }),
      expect.objectContaining({ ok: true, line: 5, record: expect.objectContaining({ title: 'Good' }) }),
    ]);
  });

  it('drops an unreadable optional field with a warning and keeps the record', async () => {
    const text = 'title,abstract,published,authors,url,upvotes\nA,x,soon,"[\'Ann\', None]",not a url,-1\n';
    const [entry] = await csv(text);
    expect(entry).toMatchObject({ ok: true, line: 2, record: { title: 'A', published: null, authors: null, url: null, upvotes: null } });
    expect(entry?.ok && entry.warnings).toEqual([
      { field: 'authors', reason: `must be a list like ['A. Author', 'B. Author'] or names separated by ";", got "['Ann', None]"; dropped` },
      { field: 'published', reason: 'must be a date like 2024-11-25, got "soon"; dropped' },
      { field: 'url', reason: 'must be an http(s) URL, got "not a url"; dropped' },
      { field: 'upvotes', reason: 'must be a whole number ≥ 0, got "-1"; dropped' },
    ]);
  });

  it('reports an empty title or abstract', async () => {
    const entries = await csv('title,abstract\n  ,x\nA,\n');
    expect(entries.map((e) => !e.ok && e.problems)).toEqual([
      [{ field: 'title', reason: 'must not be empty' }],
      [{ field: 'abstract', reason: 'must not be empty' }],
    ]);
  });

  it('reports a quote never closed at the line it opens, after the rows before it', async () => {
    const entries = await csv('title,abstract\nA,x\n\nB,"never closed\nC,z\n');
    expect(entries.map((e) => [e.ok, e.line])).toEqual([
      [true, 2],
      [false, 4],
    ]);
    expect(entries[1]).toMatchObject({
      problems: [{ field: '(row)', reason: expect.stringMatching(/^a quoted cell that starts on this row is never closed/) }],
    });
  });

  it('throws, naming the line, on a row too long to be real rather than holding the file in memory', async () => {
    const text = `title,abstract\nA,x\nB,${'y'.repeat(MAX_ROW_CHARS + 10)}\nC,z\n`;
    await expect(csv(text, {}, 65536)).rejects.toThrow(/^line 3: cannot read the rest of this CSV file: .*Max Record Size/);
  });

  it('passes on an error of the text source itself', async () => {
    async function* failing(): AsyncGenerator<string> {
      yield 'title,abstract\nA,x\n';
      throw new Error('disk on fire');
    }
    await expect(collect(readDelimited(failing(), { delimiter: ',' }))).rejects.toThrow('disk on fire');
  });
});

describe('CSV syntax', () => {
  it('reads quoted cells holding the delimiter, doubled quotes and line breaks, counting their lines', async () => {
    const text = 'title,abstract\n"Commas, and ""quotes""","Line one\nline two,\n\nline four"\nNext,x\n';
    const entries = await csv(text);
    expect(entries.map((e) => e.line)).toEqual([2, 6]);
    expect(records(entries)[0]).toMatchObject({ title: 'Commas, and "quotes"', abstract: 'Line one line two, line four' });
  });

  it('counts CRLF line breaks, also inside quoted cells, and skips blank lines and blank rows', async () => {
    const text = 'title,abstract\r\n"A","one\r\ntwo"\r\n\r\n,\r\nB,x\r\n\r\nC,y';
    const entries = await csv(text);
    expect(entries.map((e) => [e.ok && e.record.title, e.line])).toEqual([
      ['A', 2],
      ['B', 6],
      ['C', 8],
    ]);
    expect(await csv(text, {}, 1)).toEqual(entries);
    // Old Mac line ends: a lone CR.
    expect((await csv('title,abstract\rA,x\r\rB,y')).map((e) => e.line)).toEqual([2, 4]);
  });

  it('ignores a byte order mark', async () => {
    const entries = await csv('\uFEFFtitle,abstract\nA,x\n', {}, 1);
    expect(entries).toEqual([expect.objectContaining({ ok: true, line: 2, record: expect.objectContaining({ title: 'A', id: 'a' }) })]);
  });

  it('keeps a character whose surrogate pair is split between pieces', async () => {
    const [entry] = await csv('title,abstract\nRocket 🚀 paper,x\n', {}, 1);
    expect(entry).toMatchObject({ record: { title: 'Rocket 🚀 paper' } });
  });

  it('stops reading the source when the consumer stops early', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<string> {
      try {
        yield 'title,abstract\n';
        for (let i = 0; ; i++) yield `Paper ${i},x\n`;
      } finally {
        closed = true;
      }
    }
    let seen = 0;
    for await (const _ of readDelimited(source(), { delimiter: ',' })) if (++seen === 3) break;
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(true);
  });
});

describe('sniffDelimiter', () => {
  it('finds the delimiter of a header with a title column', () => {
    expect(sniffDelimiter('index,title,tags,authors,abstract\r\n')).toBe(',');
    expect(sniffDelimiter('\uFEFF"Title","Summary"')).toBe(',');
    expect(sniffDelimiter('paper_id\ttitle\tabstract, full')).toBe('\t');
    expect(sniffDelimiter('titles,summaries,terms')).toBe(',');
  });

  it('is null for anything else', () => {
    expect(sniffDelimiter('{"title": "A", "abstract": "x"}')).toBeNull();
    expect(sniffDelimiter('name,abstract')).toBeNull();
    expect(sniffDelimiter('title')).toBeNull();
    expect(sniffDelimiter('')).toBeNull();
  });
});

describe('parsePythonList', () => {
  it('reads Python list reprs of strings', () => {
    expect(parsePythonList("['A. B', 'C. D']")).toEqual(['A. B', 'C. D']);
    expect(parsePythonList(`["O'Brien", 'D\\'Arcy', 'back\\\\slash']`)).toEqual(["O'Brien", "D'Arcy", 'back\\slash']);
    expect(parsePythonList("['caf\\xe9', 'na\\u00efve', u'py2',]")).toEqual(['café', 'naïve', 'py2']);
    expect(parsePythonList(' [ ] ')).toEqual([]);
    expect(parsePythonList('["json", "too"]')).toEqual(['json', 'too']);
  });

  it('is null for what is not a list of strings', () => {
    for (const text of ["['A', None]", "['unclosed]", "['A'] tail", "['A' 'B']", 'A, B', '[1, 2]']) {
      expect(parsePythonList(text), text).toBeNull();
    }
  });
});
