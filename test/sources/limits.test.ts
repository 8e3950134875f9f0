// Bounded records: no single record can stall search, exhaust memory or abort an ingest. Over-long
// titles and ids are skipped, abstracts and author lists cut, oversized extra fields dropped, huge
// lines and document elements skipped without being held whole, big numeric ids never rounded.
import { describe, expect, it } from 'vitest';
import { buildRecord } from '../../src/sources/build-record.ts';
import { parseJsonRecord } from '../../src/sources/json-records.ts';
import { jsonDocument, jsonLines } from '../../src/sources/json-stream.ts';
import { boundedJson, depthOver, RECORD_LIMITS } from '../../src/sources/limits.ts';

const base = { title: 'A title', abstract: 'An abstract.' };

function deep(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = { next: value };
  return value;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function* pieces(text: string, size: number) {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

describe('record limits', () => {
  it('skips a title or id over its limit, naming the size', () => {
    expect(buildRecord({ ...base, title: 'x '.repeat(1500) })).toEqual({
      ok: false,
      field: 'title',
      reason: expect.stringMatching(/^is 2,999 characters, over the 2,000/),
    });
    expect(buildRecord({ ...base, id: 'i'.repeat(600) })).toEqual({
      ok: false,
      field: 'id',
      reason: 'is 600 characters; the API addresses ids of at most 500',
    });
  });

  it('cuts a full text given as abstract at a word, with a warning', () => {
    const built = buildRecord({ ...base, abstract: 'word '.repeat(20_000) });
    if (!built.ok) throw new Error(built.reason);
    expect(built.record.abstract.length).toBeLessThanOrEqual(RECORD_LIMITS.abstractChars);
    expect(built.record.abstract).toMatch(/word…$/);
    expect(built.warnings).toEqual([{ field: 'abstract', reason: 'is 99,999 characters; kept the first 50,000' }]);
  });

  it('keeps the first 1,000 author names and the real count', () => {
    const names = Array.from({ length: 3000 }, (_, i) => `Author ${i}`);
    const built = buildRecord({ ...base, authors: names });
    if (!built.ok) throw new Error(built.reason);
    expect(built.record.authors).toHaveLength(1000);
    expect(built.record.authors_count).toBe(3000);
    expect(built.warnings[0]).toMatchObject({ field: 'authors' });
  });

  it('drops extra fields nested too deep or too large, and keeps the rest', () => {
    const built = buildRecord({ ...base, extra: { venue: 'NeurIPS', nested: deep(5000), blob: 'x'.repeat(100_000) } });
    if (!built.ok) throw new Error(built.reason);
    expect(built.record.extra).toEqual({ venue: 'NeurIPS' });
    expect(built.warnings.map((w) => w.field)).toEqual(['nested', 'blob']);
    // What used to abort an ingest: hashing the record.
    expect(() => JSON.stringify(built.record)).not.toThrow();
  });

  it('measures depth without recursion, and writes out only shallow, small values', () => {
    expect(depthOver(deep(100_000), 16)).toBe(true);
    expect(depthOver(deep(16), 16)).toBe(false);
    expect(boundedJson(deep(100_000))).toBeUndefined();
    expect(boundedJson({ a: 'x'.repeat(100_000) })).toBeUndefined();
    expect(boundedJson({ a: 1 })).toBe('{"a":1}');
  });

  it('never rounds a numeric id past 2^53', () => {
    const result = parseJsonRecord(JSON.parse(`{"id": 12345678901234567891, "title": "T", "abstract": "A."}`));
    expect(result).toMatchObject({
      ok: false,
      problems: [{ field: 'id', reason: expect.stringMatching(/beyond 9007199254740991.*write the id as a string/) }],
    });
    expect(parseJsonRecord({ id: 9007199254740991, ...base })).toMatchObject({ ok: true, record: { id: '9007199254740991' } });
  });
});

describe('streaming limits', () => {
  it('skips a JSON line over the limit without holding it, in any chunking, and reads on', async () => {
    const text = ['{"n":1}', `{"n":2,"pad":"${'x'.repeat(500)}"}`, '{"n":3}', `{"n":4,"pad":"${'y'.repeat(300)}"}`, '{"n":5}'].join('\n');
    for (const size of [7, 64, 10_000]) {
      const items = await collect(jsonLines(pieces(text, size), 200));
      expect(items.map((item) => ('value' in item ? (item.value as { n: number }).n : `skip ${item.line}`))).toEqual([1, 'skip 2', 3, 'skip 4', 5]);
      expect(items[1]).toMatchObject({ field: '(line)', invalid: expect.stringMatching(/over the .* MB a record may have; skipped/) });
    }
  });

  it('skips a JSON document element over the limit and reads the next one', async () => {
    const huge = 'z'.repeat(RECORD_LIMITS.recordBytes + 1024);
    const doc = `[\n{"n": 1},\n{"n": 2, "big": "${huge}", "more": [1, 2, 3]},\n{"n": 3}\n]`;
    const items = await collect(
      jsonDocument(
        (async function* () {
          yield Buffer.from(doc);
        })(),
      ),
    );
    expect(items).toEqual([
      { line: 2, value: { n: 1 } },
      { line: 3, invalid: expect.stringMatching(/the record is over the 16 MB/), field: '(record)' },
      { line: 4, value: { n: 3 } },
    ]);
  });
});

describe('XML record limit', () => {
  it('skips an OAI-PMH record whose text is over the limit, keeps the text bounded, and reads the next one', async () => {
    const { readArxivOai } = await import('../../src/sources/formats/arxiv-oai.ts');
    const record = (id: string, abstract: string) =>
      `<record><header><identifier>oai:arXiv.org:${id}</identifier><datestamp>2024-01-02</datestamp></header><metadata>` +
      `<arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>${id}</id><created>2024-01-01</created><title>Paper ${id}</title>` +
      `<abstract>${abstract}</abstract></arXiv></metadata></record>\n`;
    const huge = 'word '.repeat(Math.ceil((RECORD_LIMITS.recordBytes + 1024) / 5));
    const document =
      '<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>\n' +
      record('2401.00001', 'A short abstract.') +
      record('2401.00002', huge) +
      record('2401.00003', 'Another short one.') +
      '</ListRecords></OAI-PMH>\n';
    const entries = await collect(readArxivOai(pieces(document, 1 << 20)));
    expect(entries.map((e) => (e.ok ? e.record.id : `skip line ${e.line}`))).toEqual(['2401.00001', 'skip line 4', '2401.00003']);
    expect(entries[1]).toMatchObject({
      ok: false,
      problems: [{ field: '(record)', reason: expect.stringMatching(/over the 16 MB a record may have; skipped/) }],
    });
  });
});
