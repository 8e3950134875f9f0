// The store's two roles are told apart by the compiler: PaperStore.open gives a PaperReader for
// role 'reader', which has none of PaperWriter's methods. Each `@ts-expect-error` below is checked
// by `npm run check` (tsc includes test/): should the reader type gain a write method, the
// directive is unused and the typecheck fails. At run time the reader object lacks them too.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PaperStore, type PaperReader, type PaperWriter } from '../../src/store/paper-store.ts';
import { HNSW, tempDir } from '../support/fixtures.ts';
import { nearestId, paperWrites, publishPapers, sineVectors, storeOpener, testSpec } from '../support/store.ts';

const vector = sineVectors(8);
let dir: ReturnType<typeof tempDir>;
const open = storeOpener(() => dir.path);

beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

describe('store roles', () => {
  it('a reader has no write methods, for the compiler and at run time', () => {
    publishPapers(open.writer(), testSpec(8), paperWrites(0, 5, vector)).close();
    const reader = PaperStore.open({ dataDir: dir.path, hnsw: HNSW, role: 'reader' });
    // @ts-expect-error: a reader cannot write
    expect(() => reader.write(paperWrites(5, 6, vector))).toThrow(TypeError);
    // @ts-expect-error: nor delete
    expect(() => reader.delete(['p0'])).toThrow(TypeError);
    // @ts-expect-error: nor give papers vectors
    expect(() => reader.attachVectors([])).toThrow(TypeError);
    // @ts-expect-error: nor publish a generation
    expect(() => reader.save()).toThrow(TypeError);
    // @ts-expect-error: nor compact
    expect(() => reader.compact()).toThrow(TypeError);
    // @ts-expect-error: nor start an ingest run
    expect(() => reader.beginRun()).toThrow(TypeError);
    // @ts-expect-error: a reader is not a writer
    const writer: PaperWriter = reader;
    expect(writer).toBe(reader);
    expect(reader.count()).toBe(5);
    expect(nearestId(reader, vector(3))).toBe('p3');
    reader.close();
  });

  it('a writer is a reader, and opening without a role opens a writer', () => {
    const writer = PaperStore.open({ dataDir: dir.path, hnsw: HNSW });
    const asReader: PaperReader = writer;
    writer.bind(testSpec(8));
    writer.write(paperWrites(0, 3, vector));
    writer.save();
    expect(asReader.generation).toBe(1);
    writer.close();
    // An unknown role at compile time gives the narrower type.
    const role = 'writer' as 'writer' | 'reader';
    const either = PaperStore.open({ dataDir: dir.path, hnsw: HNSW, role });
    // @ts-expect-error: may be a reader
    either.save();
    either.close();
  });
});
