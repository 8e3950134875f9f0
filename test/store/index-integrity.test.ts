// Verified index generations: every published HNSW file is recorded (size, SHA-256, element
// count, dims) and checked before it is loaded. A damaged file — flipped bytes, truncated,
// garbage of the right size — is never used nor republished: writers rebuild from the vectors in
// SQLite and publish a new generation, readers build in memory and keep answering.
import { readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizeInPlace } from '../../src/embed/pooling.ts';
import { digestFile } from '../../src/store/file-digest.ts';
import type { PaperReader } from '../../src/store/paper-store.ts';
import { tempDir } from '../support/fixtures.ts';
import { paperWrites, publishPapers, storeOpener, testSpec } from '../support/store.ts';

const DIMS = 16;
const spec = testSpec(DIMS);
const vector = (i: number) => normalizeInPlace(Float32Array.from({ length: DIMS }, (_, d) => Math.sin(i * 7 + d * 3) + Math.cos(i * d)));
const papers = (from: number, to: number) => paperWrites(from, to, vector);

const COUNT = 300;
let dir: ReturnType<typeof tempDir>;
let lines: string[];
const { writer: open, reader: openReader } = storeOpener(
  () => dir.path,
  (line) => lines.push(line),
);
const hnswFile = (generation: number) => path.join(dir.path, `papers.${generation}.hnsw`);
const indexState = () => {
  const db = new Database(path.join(dir.path, 'papers.db'), { readonly: true });
  try {
    const row = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'index'").get();
    return JSON.parse(row!.value) as { generation: number; file?: { bytes: number; sha256: string; count: number; dims: number } };
  } finally {
    db.close();
  }
};
/** Top-10 ids for a fixed set of queries: what "the same answers" means here. */
const answers = (store: PaperReader) =>
  Array.from({ length: 20 }, (_, q) => {
    const hits = store.nearest(vector(q * 13 + 0.5), 10);
    const byLabel = store.papersByLabels(hits.map(([label]) => label));
    return hits.map(([label]) => byLabel.get(label)?.id);
  });

/** Publishes one generation of COUNT papers; returns its answers. */
function publishOne(): ReturnType<typeof answers> {
  const store = publishPapers(open(), spec, papers(0, COUNT));
  const expected = answers(store);
  store.close();
  return expected;
}

// Deterministic "random" positions, past hnswlib's header so the damage is in the graph/vectors.
function flipBytes(file: string, count: number, seed = 7): void {
  const bytes = readFileSync(file);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const at = 96 + (state % (bytes.length - 96));
    bytes[at] = bytes[at]! ^ 0xff;
  }
  writeFileSync(file, bytes);
}

beforeEach(() => {
  dir = tempDir();
  lines = [];
});
afterEach(() => dir.remove());

describe('verified index generations', () => {
  it('records size, SHA-256, element count and dims of each published file with its generation', () => {
    publishOne();
    const state = indexState();
    expect(state.generation).toBe(1);
    const { bytes, sha256 } = digestFile(hnswFile(1));
    expect(state.file).toEqual({ bytes, sha256, count: COUNT, dims: DIMS });
    expect(statSync(hnswFile(1)).size).toBe(bytes);
  });

  it('100 flipped bytes: writer and reader detect it, rebuild from SQLite, answer as before; the writer publishes a new, different file', () => {
    const expected = publishOne();
    const damaged = hnswFile(1);
    flipBytes(damaged, 100);
    const damagedBytes = readFileSync(damaged);

    const reader = openReader();
    expect(lines.join('\n')).toMatch(
      new RegExp(
        `index file .*papers\\.1\\.hnsw is damaged \\(SHA-256 .* differs from the recorded .*\\); building the index in memory from ${COUNT} stored vectors`,
      ),
    );
    expect(answers(reader)).toEqual(expected);
    expect(reader.refresh()).toBe(false); // the rejected generation is not retried at every poll
    lines = [];

    const writer = open();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/papers\.1\.hnsw is damaged \(SHA-256 .*\); rebuilding the index from 300 stored vectors/);
    expect(writer.generation).toBe(2);
    expect(answers(writer)).toEqual(expected);
    const republished = readFileSync(hnswFile(2));
    expect(republished.equals(damagedBytes)).toBe(false);
    expect(indexState()).toMatchObject({ generation: 2, file: { sha256: digestFile(hnswFile(2)).sha256, count: COUNT } });

    // The reader moves on to the writer's new generation, verified.
    expect(reader.refresh()).toBe(true);
    expect(reader.generation).toBe(2);
    expect(answers(reader)).toEqual(expected);
    writer.close();
    reader.close();

    const again = open(); // the new generation loads cleanly: no rebuild, no new generation
    expect(again.generation).toBe(2);
    expect(answers(again)).toEqual(expected);
    again.close();
  });

  it('a file truncated to half: reader and writer recover, compact works', () => {
    const expected = publishOne();
    const file = hnswFile(1);
    truncateSync(file, Math.floor(statSync(file).size / 2));

    const reader = openReader();
    expect(lines.join('\n')).toMatch(/papers\.1\.hnsw is damaged \(size \d+ bytes, \d+ were written\)/);
    expect(answers(reader)).toEqual(expected);
    reader.close();

    const writer = open();
    expect(writer.generation).toBe(2);
    expect(answers(writer)).toEqual(expected);
    writer.close();

    // compact on a truncated newest file: rebuilds from SQLite whatever the file holds.
    truncateSync(hnswFile(2), 100);
    const compacting = open();
    expect(compacting.compact()).toEqual({ before: COUNT, after: COUNT });
    expect(compacting.generation).toBe(3);
    expect(answers(compacting)).toEqual(expected);
    compacting.close();
    // And on a sound file it still rebuilds and publishes.
    const sound = open();
    expect(sound.compact()).toEqual({ before: COUNT, after: COUNT });
    expect(sound.generation).toBe(4);
    sound.close();
  });

  it('garbage of the right size is a checksum mismatch and is rebuilt', () => {
    const expected = publishOne();
    const file = hnswFile(1);
    writeFileSync(file, Buffer.alloc(statSync(file).size, 0x5a));
    const writer = open();
    expect(lines.join('\n')).toMatch(/papers\.1\.hnsw is damaged \(SHA-256/);
    expect(writer.generation).toBe(2);
    expect(answers(writer)).toEqual(expected);
    writer.close();
  });

  it('a reader polling finds the newest generation damaged: keeps serving the last good one until a new one is published', () => {
    const before = publishOne();
    const reader = openReader();
    expect(reader.generation).toBe(1);
    const writer = open();
    writer.write(papers(COUNT, COUNT + 50));
    writer.save();
    const expected = answers(writer);
    writer.close();
    flipBytes(hnswFile(2), 100, 11);
    lines = [];
    expect(reader.refresh()).toBe(false);
    expect(lines).toEqual([expect.stringMatching(/papers\.2\.hnsw is damaged \(SHA-256 .*\); still serving generation 1 until a writer publishes a new one/)]);
    expect(reader.generation).toBe(1);
    expect(answers(reader)).toEqual(before);
    expect(reader.refresh()).toBe(false); // not re-checked at every poll
    // The next writer replaces the damaged generation; the reader moves on to it.
    const repair = open();
    expect(repair.generation).toBe(3);
    repair.close();
    expect(reader.refresh()).toBe(true);
    expect(reader.generation).toBe(3);
    expect(answers(reader)).toEqual(expected);
    reader.close();
  });

  it('a generation published before checksums loads unverified, and a truncated one is still caught', () => {
    const expected = publishOne();
    const db = new Database(path.join(dir.path, 'papers.db'));
    const { file: _dropped, ...legacy } = indexState();
    db.prepare("UPDATE meta SET value = ? WHERE key = 'index'").run(JSON.stringify(legacy));
    db.close();
    const reader = openReader();
    expect(lines.join('\n')).toMatch(/predates checksums; loading .*papers\.1\.hnsw unverified/);
    expect(reader.generation).toBe(1);
    reader.close();
    truncateSync(hnswFile(1), Math.floor(statSync(hnswFile(1)).size / 2));
    lines = [];
    const writer = open();
    expect(lines.join('\n')).toMatch(/papers\.1\.hnsw is damaged \(hnswlib could not read it \(.*\)\); rebuilding the index from 300 stored vectors/);
    expect(writer.generation).toBe(2);
    expect(answers(writer)).toEqual(expected);
    expect(indexState().file?.count).toBe(COUNT);
    writer.close();
    expect(readdirSync(dir.path).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
