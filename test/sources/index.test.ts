// Reading sources by extension and merging several files: cross-file duplicate ids, errors
// for unsupported or unreadable files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSource, readSources } from '../../src/sources/index.ts';

const SAMPLE = 'data/sample/000_15e46c23e16ff53f.txt';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paperseek-sources-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readSource', () => {
  it('reads a .txt page dump with the page parser', async () => {
    const result = await readSource(SAMPLE, { capturedYear: 2025 });
    expect(result.records).toHaveLength(68);
    expect(result.problems).toEqual([]);
    expect(result.notes.some((n) => n.includes('--captured-year'))).toBe(true);
  });

  it('rejects content it cannot recognise, naming the file and the --format option', async () => {
    const path = join(dir, 'papers.dat');
    await writeFile(path, 'just some words\nand more\n');
    await expect(readSource(path)).rejects.toThrow(/cannot tell the format of .*papers\.dat: .*--format/);
  });

  it('throws with the path and reason for a missing or unreadable file', async () => {
    const missing = join(dir, 'missing.jsonl');
    await expect(readSource(missing)).rejects.toThrow(`cannot read ${missing}: file not found`);
    const folder = join(dir, 'folder.jsonl');
    await mkdir(folder);
    await expect(readSource(folder)).rejects.toThrow(`cannot read ${folder}: is a directory, not a file`);
  });
});

describe('readSources', () => {
  it('concatenates files in order and keeps the first of an id seen in an earlier file', async () => {
    const first = join(dir, 'first.jsonl');
    const second = join(dir, 'second.json');
    await writeFile(first, ['{"id":"x","title":"X one","abstract":"A."}', '{"id":"y","title":"Y","abstract":"B."}'].join('\n'));
    await writeFile(
      second,
      ['[', '  {"id":"z","title":"Z","abstract":"C."},', '  {"id":"x","title":"X two","abstract":"D."},', '  {"id":"w"}', ']'].join('\n'),
    );
    const result = await readSources([first, second]);
    expect(result.records.map((r) => [r.id, r.title])).toEqual([
      ['x', 'X one'],
      ['y', 'Y'],
      ['z', 'Z'],
    ]);
    expect(result.problems).toEqual([
      { file: second, line: 3, field: 'id', reason: `duplicate id "x" (first seen at ${first}, line 1); kept the first` },
      { file: second, line: 4, field: 'title', reason: 'is required' },
      { file: second, line: 4, field: 'abstract', reason: 'is required' },
    ]);
  });

  it('merges a page dump with JSON records and passes notes through', async () => {
    const extra = join(dir, 'extra.jsonl');
    await writeFile(extra, '{"title":"Factorized Visual Tokenization and Generation","abstract":"Same paper again."}\n');
    const result = await readSources([SAMPLE, extra], { capturedYear: 2025 });
    expect(result.records).toHaveLength(68);
    expect(result.problems).toEqual([
      {
        file: extra,
        line: 1,
        field: 'id',
        reason: `duplicate id "factorized-visual-tokenization-and-generation" (first seen at ${SAMPLE}, line 13); kept the first`,
      },
    ]);
    expect(result.notes.length).toBeGreaterThanOrEqual(2);
  });

  it('fails as a whole when one file cannot be read', async () => {
    await expect(readSources([SAMPLE, join(dir, 'nope.txt')])).rejects.toThrow(/cannot read .*nope\.txt: file not found/);
  });
});
