// One JSON input record -> PaperRecord, and the field/reason pairs reported for bad ones.
import { describe, expect, it } from 'vitest';
import { parseJsonRecord } from '../../src/sources/json-records.ts';

const base = { title: 'A Title', abstract: 'An abstract.' };

function problems(value: unknown) {
  const result = parseJsonRecord(value);
  if (result.ok) throw new Error(`expected problems, got ${JSON.stringify(result.record)}`);
  return result.problems;
}

function record(value: unknown) {
  const result = parseJsonRecord(value);
  if (!result.ok) throw new Error(`expected a record, got ${JSON.stringify(result.problems)}`);
  return result.record;
}

/** The warnings of a record that is kept with its unreadable optional fields dropped. */
function warnings(value: unknown) {
  const result = parseJsonRecord(value);
  if (!result.ok) throw new Error(`expected a record, got ${JSON.stringify(result.problems)}`);
  return { warnings: result.warnings, record: result.record };
}

describe('parseJsonRecord', () => {
  it('maps a full record and keeps unknown fields in extra', () => {
    expect(
      record({
        id: ' p1 ',
        title: '  Deep\n Things ',
        abstract: ' Line one.\n\n  Line\ttwo. ',
        authors: ['Ann Lee', ' Bo Chen '],
        published: '2024-11-25',
        upvotes: 0,
        url: 'https://arxiv.org/abs/2411.00001',
        venue: 'NeurIPS',
        scores: { a: 1 },
      }),
    ).toEqual({
      id: 'p1',
      title: 'Deep Things',
      abstract: 'Line one. Line two.',
      authors: ['Ann Lee', 'Bo Chen'],
      authors_count: 2,
      published: '2024-11-25',
      updated: null,
      categories: null,
      doi: null,
      upvotes: 0,
      url: 'https://arxiv.org/abs/2411.00001',
      github_url: null,
      project_url: null,
      extra: { venue: 'NeurIPS', scores: { a: 1 } },
    });
  });

  it('falls back to the title slug, stringifies numeric ids, and treats null as absent', () => {
    expect(record({ ...base, id: null, authors: null, published: null }).id).toBe('a-title');
    expect(record({ ...base, id: 1234 }).id).toBe('1234');
    expect(record(base)).toMatchObject({ authors: null, authors_count: null, published: null, upvotes: null });
  });

  it('takes an author count, or an authors_count field', () => {
    expect(record({ ...base, authors: 7 })).toMatchObject({ authors: null, authors_count: 7 });
    expect(record({ ...base, authors_count: 3 })).toMatchObject({ authors: null, authors_count: 3 });
    expect(warnings({ ...base, authors: ['A'], authors_count: 2 })).toEqual({
      warnings: [{ field: 'authors_count', reason: 'is 2 but authors says 1; kept the count of authors' }],
      record: expect.objectContaining({ authors: ['A'], authors_count: 1 }),
    });
  });

  it('keeps the date part of an ISO datetime as written', () => {
    expect(record({ ...base, published: '2024-11-25T23:30:00-05:00' }).published).toBe('2024-11-25');
    expect(record({ ...base, published: '2024-02-29T10:00:00.123Z' }).published).toBe('2024-02-29');
  });

  it('fills links from the abstract only when the record has none', () => {
    const abstract = 'Code: https://github.com/a/b. Page: https://a.github.io/p/.';
    expect(record({ ...base, abstract })).toMatchObject({ github_url: 'https://github.com/a/b', project_url: 'https://a.github.io/p/' });
    expect(record({ ...base, abstract, github_url: 'https://github.com/own/repo', project_url: '' })).toMatchObject({
      github_url: 'https://github.com/own/repo',
      project_url: 'https://a.github.io/p/',
    });
    expect(record({ ...base, abstract }).abstract).toBe(abstract);
  });

  it.each([
    [{ abstract: 'x' }, 'title', 'is required'],
    [{ ...base, title: '   ' }, 'title', 'must not be empty'],
    [{ ...base, abstract: 5 }, 'abstract', 'must be a string, got number 5'],
    [[base], '(record)', 'a record must be a JSON object, got an array'],
    ['text', '(record)', 'a record must be a JSON object, got "text"'],
    [{ ...base, title: '深度学习' }, 'id', expect.stringContaining('no a-z/0-9 characters')],
    [{ title: 'T', summary: 'An abstract under another name.' }, 'abstract', expect.stringMatching(/^is required; the record has "summary" .*--format hf-api/)],
    [{ title: 'T', abstract_inverted_index: { A: [0] } }, 'abstract', expect.stringMatching(/OpenAlex.*--format openalex/)],
  ])('skips %j at %s', (value, field, reason) => {
    expect(problems(value)).toEqual([{ field, reason }]);
  });

  // An optional field that cannot be read is dropped with a warning; the paper is still ingested.
  it.each([
    [{ ...base, id: '' }, 'id', 'must not be empty'],
    [{ ...base, id: true }, 'id', 'must be a non-empty string or a number, got boolean true'],
    [{ ...base, authors: -1 }, 'authors', 'must not be negative, got number -1'],
    [{ ...base, authors: ['A', 3] }, 'authors.1', 'must be an author name, got number 3'],
    [{ ...base, published: '2024-02-30' }, 'published', 'must be a date like 2024-11-25 or an ISO datetime, got "2024-02-30"'],
    [{ ...base, published: 'Nov 25, 2024' }, 'published', 'must be a date like 2024-11-25 or an ISO datetime, got "Nov 25, 2024"'],
    [{ ...base, published: 20241125 }, 'published', 'must be a date string like 2024-11-25, got number 20241125'],
    [{ ...base, upvotes: 1.5 }, 'upvotes', 'must be a whole number, got number 1.5'],
    [{ ...base, upvotes: '3' }, 'upvotes', 'must be an upvote count, got "3"'],
    [{ ...base, url: 'arxiv.org/abs/1' }, 'url', 'must be an http(s) URL, got "arxiv.org/abs/1"'],
    [{ ...base, github_url: 'ftp://github.com/x' }, 'github_url', 'must be an http(s) URL, got "ftp://github.com/x"'],
    [{ ...base, doi: 'not a doi' }, 'doi', 'must be a DOI like 10.1234/abc, got "not a doi"'],
  ])('keeps %j without %s', (value, field, reason) => {
    const result = warnings(value);
    expect(result.warnings).toEqual([{ field, reason }]);
    expect(result.record).toMatchObject({ title: 'A Title', abstract: 'An abstract.' });
    const key = field.split('.')[0] as keyof typeof result.record;
    expect(key === 'id' ? result.record.id : result.record[key]).toEqual(key === 'id' ? 'a-title' : null);
  });

  it('reads authors and categories written as one string, and a DOI URL', () => {
    expect(record({ ...base, authors: 'Ann Lee, Bo Chen and Cy Diaz', categories: 'cs.LG stat.ML', doi: 'https://doi.org/10.1234/x' })).toMatchObject({
      authors: ['Ann Lee', 'Bo Chen', 'Cy Diaz'],
      authors_count: 3,
      categories: ['cs.LG', 'stat.ML'],
      doi: '10.1234/x',
    });
    expect(record({ ...base, authors: [{ name: 'Ann Lee' }, 'Bo Chen'] }).authors).toEqual(['Ann Lee', 'Bo Chen']);
  });

  it('reports every bad field of a record', () => {
    expect(problems({ title: '', authors: ['', 'B', 2], upvotes: -2 }).map((p) => p.field)).toEqual(['title', 'abstract', 'authors.0', 'authors.2', 'upvotes']);
  });
});
