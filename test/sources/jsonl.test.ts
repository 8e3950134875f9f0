// JSON Lines and JSON array files: good records pass, bad ones become problems with the
// line to fix, and the rest of the file is still read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSource } from '../../src/sources/index.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paperseek-sources-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, lines: string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, lines.join('\n'));
  return path;
}

describe('JSON Lines', () => {
  it('reads good records and reports bad lines with file, line, field and reason', async () => {
    const path = await write('papers.jsonl', [
      '{"id":"a1","title":"Good One","abstract":"An  abstract\\twith spaces. https://github.com/x/y.","authors":["Ann","Bob"],"published":"2024-11-25T10:00:00Z","upvotes":3,"venue":"NeurIPS"}',
      '{"title":"No Id Here","abstract":"Abstract two.","authors":5}',
      '',
      '{"abstract":"missing title"}',
      '{"id":"b","title":"Bad date","abstract":"x","published":"2024-13-01"}',
      'not json',
      '{"id":42,"title":"Numeric","abstract":"Numeric id.","url":"https://arxiv.org/abs/1234.5678"}',
      '{"id":"a1","title":"Dup","abstract":"dup"}',
      '   ',
      '{"id":"c","title":"Bad author","abstract":"x","authors":["A","",3]}',
      '[1,2]',
    ]);
    const result = await readSource(path);
    // A bad optional field (a date, an author entry) is dropped with a warning; the paper is kept.
    expect(result.records.map((r) => r.id)).toEqual(['a1', 'no-id-here', 'b', '42', 'c']);
    expect(result.records[0]).toEqual({
      id: 'a1',
      title: 'Good One',
      abstract: 'An abstract with spaces. https://github.com/x/y.',
      authors: ['Ann', 'Bob'],
      authors_count: 2,
      published: '2024-11-25',
      updated: null,
      categories: null,
      doi: null,
      upvotes: 3,
      url: null,
      github_url: 'https://github.com/x/y',
      project_url: null,
      extra: { venue: 'NeurIPS' },
    });
    expect(result.records[1]).toMatchObject({ authors: null, authors_count: 5 });
    expect(result.records[2]).toMatchObject({ id: 'b', published: null });
    expect(result.records[3]).toMatchObject({ title: 'Numeric', url: 'https://arxiv.org/abs/1234.5678' });
    expect(result.records[4]).toMatchObject({ id: 'c', authors: null });
    expect(result.problems).toEqual([
      { file: path, line: 4, field: 'title', reason: 'is required' },
      { file: path, line: 6, field: '(line)', reason: expect.stringMatching(/^not valid JSON: .+/) },
      { file: path, line: 8, field: 'id', reason: 'duplicate id "a1" (first seen at line 1); kept the first' },
      { file: path, line: 11, field: '(record)', reason: 'a record must be a JSON object, got an array' },
    ]);
    expect(result.warnings).toEqual([
      { file: path, line: 5, field: 'published', reason: 'must be a date like 2024-11-25 or an ISO datetime, got "2024-13-01"' },
      { file: path, line: 10, field: 'authors.1', reason: 'must not be empty' },
      { file: path, line: 10, field: 'authors.2', reason: 'must be an author name, got number 3' },
    ]);
    expect(result.notes).toEqual([]);
  });

  it('handles CRLF line endings and the .ndjson extension', async () => {
    const path = join(dir, 'crlf.ndjson');
    await writeFile(path, '\uFEFF{"title":"One","abstract":"A."}\r\n\r\n{"title":"Two","abstract":5}\r\n');
    const result = await readSource(path);
    expect(result.records.map((r) => r.id)).toEqual(['one']);
    expect(result.problems.map((p) => [p.line, p.field])).toEqual([[3, 'abstract']]);
  });
});

describe('JSON arrays', () => {
  it('reports a bad element at the line where it starts', async () => {
    const path = await write('papers.json', [
      '[',
      '  {"title": "One", "abstract": "First."},',
      '  {',
      '    "title": "",',
      '    "abstract": "Second."',
      '  },',
      '  {"title": "Three", "abstract": "Brackets in strings: ]}, [{\\" and \\\\"}, 7,',
      '',
      '  {"title": "One", "abstract": "again"}',
      ']',
    ]);
    const result = await readSource(path);
    expect(result.records.map((r) => r.id)).toEqual(['one', 'three']);
    expect(result.records[1]!.abstract).toBe('Brackets in strings: ]}, [{" and \\');
    expect(result.problems).toEqual([
      { file: path, line: 3, field: 'title', reason: 'must not be empty' },
      { file: path, line: 7, field: '(record)', reason: 'a record must be a JSON object, got number 7' },
      { file: path, line: 9, field: 'id', reason: 'duplicate id "one" (first seen at line 2); kept the first' },
    ]);
  });

  it('gives the first element its own line even when it shares one with the bracket', async () => {
    const path = await write('inline.json', ['[{"title": 1, "abstract": "x"}, ["]", {"a": [1]}],', '{"title": "B", "abstract": "y"}]']);
    const result = await readSource(path);
    expect(result.records.map((r) => r.id)).toEqual(['b']);
    expect(result.problems.map((p) => [p.line, p.field])).toEqual([
      [1, 'title'],
      [1, '(record)'],
    ]);
  });

  it('reports a syntax error once, at its line, keeping the records before it', async () => {
    const path = await write('broken.json', ['[', '  {"title": "One", "abstract": "First."},', '  {"title": "Two" "abstract": "x"}', ']']);
    const result = await readSource(path);
    expect(result.records.map((r) => r.id)).toEqual(['one']);
    expect(result.problems).toEqual([{ file: path, line: 3, field: '(file)', reason: expect.stringMatching(/^not valid JSON, reading stopped: /) }]);
  });

  it('reports a truncated document at its end', async () => {
    const path = await write('truncated.json', ['[', '  {"title": "One", "abstract": "First."},', '  {"title": "Two",']);
    const result = await readSource(path);
    expect(result.records.map((r) => r.id)).toEqual(['one']);
    expect(result.problems).toEqual([{ file: path, line: 3, field: '(file)', reason: expect.stringMatching(/ends inside a value/) }]);
  });

  it('reads records out of API list wrappers and a single-object document', async () => {
    const wrapped = await write('list.json', [
      '{"meta": {"count": 2},',
      ' "results": [',
      '  {"title": "A", "abstract": "x"},',
      '  {"title": "B", "abstract": "y"}',
      ' ]}',
    ]);
    expect((await readSource(wrapped)).records.map((r) => r.id)).toEqual(['a', 'b']);
    const data = await write('data.json', ['{"total": 1, "data": [{"title": "C", "abstract": "z"}]}']);
    expect((await readSource(data)).records.map((r) => r.id)).toEqual(['c']);
    const single = await write('single.json', ['{', '  "title": "Only One",', '  "abstract": "Alone."', '}']);
    expect((await readSource(single)).records.map((r) => r.id)).toEqual(['only-one']);
  });

  it('reads a .json file that does not start with [ as JSON Lines', async () => {
    const path = await write('lines.json', ['', '{"title":"One","abstract":"A."}', '{"title":"Two","abstract":"B."}']);
    const result = await readSource(path);
    expect(result.records.map((r) => r.id)).toEqual(['one', 'two']);
    expect(result.problems).toEqual([]);
  });
});
