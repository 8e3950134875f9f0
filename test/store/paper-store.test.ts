// The store on disk: persistence, rebuilding the HNSW file from SQLite, and refusing vectors
// from a different model.
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { normalizeInPlace } from '../../src/embed/pooling.ts';
import type { IndexSpec, PaperWriter } from '../../src/store/paper-store.ts';
import { tempDir } from '../support/fixtures.ts';
import { paperWrites, publishPapers, storeOpener, testSpec, titledPaper } from '../support/store.ts';

const spec = testSpec(8);

/** Unit vector along axis `i` plus a little of axis `i+1`, so neighbours are predictable. */
const vector = (i: number) => {
  const v = new Float32Array(8);
  v[i % 8] = 1;
  v[(i + 1) % 8] = 0.1;
  return normalizeInPlace(v);
};

const opener = (dir: string, log?: (line: string) => void) => storeOpener(() => dir, log);

function filledStore(dir: string, log?: (line: string) => void): PaperWriter {
  return publishPapers(opener(dir, log).writer(), spec, paperWrites(0, 4, vector));
}

describe('PaperStore', () => {
  it('persists papers, vectors and spec across reopen', () => {
    const dir = tempDir();
    filledStore(dir.path).close();
    const reopened = opener(dir.path).writer();
    expect(reopened.count()).toBe(4);
    expect(reopened.spec).toEqual(spec);
    expect(reopened.get('p2')?.title).toBe('Title p2');
    const [first] = reopened.nearest(vector(2), 1);
    expect(reopened.papersByLabels([first![0]]).get(first![0])!.id).toBe('p2');
    reopened.close();
    dir.remove();
  });

  it('rebuilds a missing HNSW file from the vectors in SQLite, and says so', () => {
    const dir = tempDir();
    filledStore(dir.path).close();
    for (const name of readdirSync(dir.path)) if (name.endsWith('.hnsw')) rmSync(path.join(dir.path, name));
    const lines: string[] = [];
    const reopened = opener(dir.path, (line) => lines.push(line)).writer();
    expect(lines.join('\n')).toMatch(/rebuilding/);
    expect(readdirSync(dir.path).filter((name) => name.endsWith('.hnsw'))).toHaveLength(1);
    expect(reopened.nearest(vector(3), 4).map(([, score]) => score)[0]).toBeCloseTo(1, 5);
    reopened.close();
    dir.remove();
  });

  it('refuses to bind a model with other dimensions or another model id, naming both', () => {
    const dir = tempDir();
    const store = filledStore(dir.path);
    const attempt = (other: Partial<IndexSpec>) => () => store.bind({ ...spec, ...other });
    expect(attempt({ dims: 16 })).toThrowError(AppError);
    expect(attempt({ dims: 16 })).toThrowError(/dims=8.*dims=16/s);
    expect(attempt({ model: 'other' })).toThrowError(/model="m".*model="other"/s);
    expect(attempt({ pooling: 'cls' })).toThrowError(/pooling/);
    expect(attempt({ dtype: 'fp32' })).not.toThrow();
    store.close();
    dir.remove();
  });

  it('never reuses a label, so an updated paper keeps one index entry', () => {
    const dir = tempDir();
    const store = filledStore(dir.path);
    store.write([{ record: titledPaper('p1'), hashes: { content: 'new', record: 'new' }, vector: vector(5) }]);
    const all = store.nearest(vector(5), 10);
    expect(all).toHaveLength(4);
    expect(store.papersByLabels([all[0]![0]]).get(all[0]![0])!.id).toBe('p1');
    store.close();
    dir.remove();
  });
});
