// `paperseek ingest` on the real files researchers have, as a user runs it: every sample of
// ../shared/formats in one command, gzip and standard input, a file with bad records (grouped
// summary, report file, exit codes) and --delete-missing on streamed input.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { PaperStore } from '../../src/store/paper-store.ts';
import { runCli } from '../support/cli.ts';
import { HNSW, tempDir } from '../support/fixtures.ts';
import { formatSample } from '../support/shared.ts';

const dir = tempDir();
afterAll(() => dir.remove());
const envFor = (name: string) => ({ PAPERSEEK_DATA_DIR: path.join(dir.path, name), PAPERSEEK_MODEL_DIR: inject('modelsDir'), PAPERSEEK_MODEL: 'lexical' });

function storedIds(name: string): string[] {
  const store = PaperStore.open({ dataDir: path.join(dir.path, name), hnsw: HNSW, role: 'reader' });
  try {
    return store.ids();
  } finally {
    store.close();
  }
}

const SAMPLES = [
  'arxiv-kaggle/arxiv-metadata-oai-snapshot.json',
  'hf-daily-papers/hf_daily_papers.json',
  'arxiv-atom/query.xml',
  'arxiv-oai/arxiv-physics-hep-th.xml',
  'semantic-scholar/paper-batch.json',
  'openalex/W2741809807.json',
  'csv/arxiv_data.head100.csv',
];

describe('ingest of real files', () => {
  it('ingests every sample format in one run, each detected from its content', async () => {
    const run = await runCli(['ingest', ...SAMPLES.map(formatSample)], envFor('all'));
    expect(run.code, run.stderr).toBe(0);
    for (const format of ['arxiv-snapshot (JSON Lines)', 'hf-api (JSON)', 'arXiv API Atom', 'arXiv OAI-PMH', 'semantic-scholar (JSON)', 'openalex', 'CSV']) {
      expect(run.stderr).toContain(`as ${format}`);
    }
    expect(run.stderr).toContain('ingest done: read 220, added 220, updated 0, unchanged 0, skipped 0 (embedded 220, vectors pending 0)');
    const ids = storedIds('all');
    expect(ids).toHaveLength(220);
    expect(ids).toEqual(expect.arrayContaining(['0704.0001', '2607.26654', 'nucl-ex/0408020', '1412.8323', '10.7717/peerj.4375', '2505.24868']));
  });

  it('reads gzip (by content) from standard input and from a file; a rerun changes nothing', async () => {
    const snapshot = readFileSync(formatSample('arxiv-kaggle/arxiv-metadata-oai-snapshot.json'));
    const fromStdin = await runCli(['ingest', '-'], envFor('all'), gzipSync(snapshot));
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(fromStdin.stderr).toContain('read (stdin): 100 record(s) as arxiv-snapshot (JSON Lines)');
    expect(fromStdin.stderr).toContain('read 100, added 0, updated 0, unchanged 100, skipped 0 (embedded 0');

    const csvGz = path.join(dir.path, 'papers.csv.gz');
    writeFileSync(csvGz, gzipSync(readFileSync(formatSample('csv/arxiv_data.head100.csv'))));
    const fromFile = await runCli(['ingest', csvGz], envFor('all'));
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromFile.stderr).toContain('read 100, added 0, updated 0, unchanged 100, skipped 0');
  });

  it('groups skip reasons in the summary, writes every one to --report, and still ingests the good records', async () => {
    const file = path.join(dir.path, 'mixed.jsonl');
    const report = path.join(dir.path, 'report.jsonl');
    writeFileSync(
      file,
      [
        '{"id":"ok-1","title":"Good paper","abstract":"A fine abstract about zymurgy."}',
        '{"id":"bad-1","title":"No abstract one"}',
        '{"id":"bad-2","title":"No abstract two","abstract":""}',
        'this is not json',
        '{"id":"bad-3","title":"No abstract three"}',
        '{"id":"ok-2","title":"Odd date","abstract":"Kept without its date.","published":"someday"}',
        '{"id":"ok-1","title":"Good paper again","abstract":"Duplicate id."}',
      ].join('\n'),
    );
    const run = await runCli(['ingest', file, '--report', report], envFor('mixed'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('read 7, added 2, updated 0, unchanged 0, skipped 5');
    expect(run.stderr).toContain(`skipped 5: abstract: is required (2; e.g. ${file}:2, ${file}:5)`);
    expect(run.stderr).toContain(`abstract: must not be empty (1; e.g. ${file}:3)`);
    expect(run.stderr).toContain(`(line): not valid JSON (1; e.g. ${file}:4)`);
    expect(run.stderr).toContain(`id: duplicate id (1; e.g. ${file}:7)`);
    expect(run.stderr).toContain(`kept 1 with a field dropped: published: must be a date like 2024-11-25 or an ISO datetime (1; e.g. ${file}:6)`);
    // One line per record in the report: what went wrong and the record as the file had it.
    const lines = readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => [l.kind, l.line])).toEqual([
      ['skipped', 2],
      ['skipped', 3],
      ['skipped', 4],
      ['skipped', 5],
      ['field dropped', 6],
      ['skipped', 7],
    ]);
    expect(lines[0]).toMatchObject({ file, problems: [{ field: 'abstract', reason: 'is required' }], record: { id: 'bad-1', title: 'No abstract one' } });
    expect(storedIds('mixed')).toEqual(['ok-1', 'ok-2']);
  });

  it('bounded records: a 5,000-deep field, a 17 MB line and a 20-digit numeric id do not stop the ingest', async () => {
    const file = path.join(dir.path, 'hostile.jsonl');
    // Written as text: JSON.stringify itself cannot go 5,000 levels deep (which is what used to abort ingest).
    const nested = `${'{"next":'.repeat(5000)}"bottom"${'}'.repeat(5000)}`;
    writeFileSync(
      file,
      [
        '{"id":"good-1","title":"Good one","abstract":"Kept."}',
        `{"id":"deep-1","title":"Deep extra","abstract":"Kept without its nested field.","nested":${nested}}`,
        JSON.stringify({ id: 'huge-1', title: 'Huge', abstract: 'x '.repeat(9 * 1024 * 1024) }),
        '{"id":12345678901234567891,"title":"Big id","abstract":"Skipped, not rounded."}',
        '{"id":"good-2","title":"Good two","abstract":"Kept too."}',
      ].join('\n'),
    );
    const report = path.join(dir.path, 'hostile-report.jsonl');
    const run = await runCli(['ingest', file, '--report', report], envFor('hostile'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('read 5, added 3, updated 0, unchanged 0, skipped 2');
    expect(run.stderr).toMatch(/\(line\): the line is 18\.0 MB, over the 16 MB a record may have \(1; e\.g\. \S+:3\)/);
    expect(run.stderr).toMatch(/id: is a number beyond 9007199254740991/);
    expect(run.stderr).toMatch(/kept 1 with a field dropped: nested: is nested deeper than 16 levels \(1; e\.g\. \S+:2\)/);
    expect(storedIds('hostile')).toEqual(['good-1', 'deep-1', 'good-2']);
    const lines = readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((l) => [l.kind, l.line, 'record' in l])).toEqual([
      ['field dropped', 2, false],
      ['skipped', 3, false],
      ['skipped', 4, true],
    ]);
  });

  it('exits 1 when records were read but none could be ingested, and names the field the file does have', async () => {
    const file = path.join(dir.path, 'wrong-shape.jsonl');
    writeFileSync(file, ['{"name":"A","summary_text":"x"}', '{"title":"B","summary":"An abstract under another name."}'].join('\n'));
    const run = await runCli(['ingest', file], envFor('wrong'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/skipped 2: abstract: is required \(2; e\.g\. \S+:1, \S+:2\) \[the record has "summary" \(.*--map abstract=summary\)\]/);
    expect(run.stderr).toContain('error: none of the 2 record(s) read could be ingested');
  });

  it('--delete-missing works on streamed input (gzip on standard input)', async () => {
    const papers = (ids: number[]) =>
      ids.map((i) => JSON.stringify({ id: `p${i}`, title: `Zymurgy paper ${i}`, abstract: `Fermentation study ${i}.` })).join('\n');
    const env = envFor('delete');
    expect((await runCli(['ingest', '-'], env, papers([1, 2, 3, 4, 5]))).code).toBe(0);
    const run = await runCli(['ingest', '--delete-missing', '-'], env, gzipSync(papers([2, 4, 6])));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('added 1, updated 0, unchanged 2');
    expect(run.stderr).toContain('deleted 3 paper(s)');
    expect(storedIds('delete')).toEqual(['p2', 'p4', 'p6']);
  });

  // Regression (issue 14): the same path twice printed a skipped line per record of the second read and a summary that disagreed with them.
  it('reads a file given twice (or under two spellings) once, with one note, and a summary that matches the skipped lines', async () => {
    const file = path.join(dir.path, 'twice.jsonl');
    const lines = [1, 2, 3].map((i) => JSON.stringify({ id: `t${i}`, title: `Twice paper ${i}`, abstract: `Read once, ${i}.` }));
    writeFileSync(file, [...lines, '{"id": "t4", "title": "No abstract"}'].join('\n'));
    const again = `${path.dirname(file)}/./${path.basename(file)}`;
    const run = await runCli(['ingest', file, file, again], envFor('twice'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr.match(/^read \S+twice\.jsonl: /gm)).toHaveLength(1);
    expect(run.stderr).toContain(`note: read once, given again: ${file}, ${again}`);
    const skipped = run.stderr.match(/^skipped (\d+): /gm) ?? [];
    expect(skipped).toEqual(['skipped 1: ']);
    expect(run.stderr).toContain('ingest done: read 4, added 3, updated 0, unchanged 0, skipped 1');
    expect(storedIds('twice')).toEqual(['t1', 't2', 't3']);
  });

  it('refuses an unknown --format and a file it cannot recognise, with exit codes scripts can trust', async () => {
    expect((await runCli(['ingest', '--format', 'nope', formatSample('csv/arxiv_data.head100.csv')], envFor('x'))).code).toBe(2);
    const file = path.join(dir.path, 'notes.md');
    writeFileSync(file, '# just notes\nnothing here\n');
    const run = await runCli(['ingest', file], envFor('x'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot tell the format of .*notes\.md.*--format/);
  });
});
