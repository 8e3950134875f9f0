// The approximate nearest-neighbour index: hnswlib-node in cosine space, keyed by paper label.
// Saved atomically (temp file, fsync, rename) so a crash never leaves a torn index file, and
// fingerprinted (size, SHA-256, element count, dims) so a file damaged later is never trusted:
// hnswlib reads whatever bytes it is given, and a damaged graph gives wrong neighbours, then crashes.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, statfsSync } from 'node:fs';
import path from 'node:path';
import hnswlib from 'hnswlib-node';
import { digestFile } from './file-digest.ts';

export interface HnswParams {
  /** Graph degree: higher = better recall, more memory. */
  M: number;
  efConstruction: number;
  /** Search breadth; raised to k automatically when k is larger. */
  ef: number;
}

/** A neighbour: label and cosine similarity (1 = same direction). */
export type Neighbour = [label: number, score: number];

/** What a published index file must be: recorded when it is written, checked before it is loaded. */
export interface IndexFileRecord {
  bytes: number;
  sha256: string;
  /** hnswlib's element count (slots used, deleted ones included). */
  count: number;
  dims: number;
}

/** An index file that must not be used; `reason` says why, in a few words. */
export class DamagedIndexError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`index file ${file} is unusable: ${reason}`, options);
    this.name = 'DamagedIndexError';
  }
}

const INITIAL_CAPACITY = 1024;
// hnswlib's fixed header fields (offsets, counts, M, ef, …) precede the level-0 data.
const HEADER_BYTES = 96;

export class VectorIndex {
  private constructor(
    private readonly index: hnswlib.HierarchicalNSW,
    readonly dims: number,
    private readonly M: number,
  ) {}

  static create(dims: number, params: HnswParams, capacity = INITIAL_CAPACITY): VectorIndex {
    const index = new hnswlib.HierarchicalNSW('cosine', dims);
    // Fixed seed: the same input builds the same graph, so results are reproducible.
    index.initIndex(Math.max(capacity, INITIAL_CAPACITY), params.M, params.efConstruction, 100);
    index.setEf(params.ef);
    return new VectorIndex(index, dims, params.M);
  }

  /**
   * `M` (when known) sharpens the size check on save; hnswlib-node cannot report it. With
   * `expected`, dims and the file's size and SHA-256 are checked before hnswlib reads it, and its
   * element count after; any difference, or a load error, is a DamagedIndexError.
   */
  static load(file: string, dims: number, ef: number, M = 0, expected?: IndexFileRecord): VectorIndex {
    if (expected) {
      if (expected.dims !== dims) throw new DamagedIndexError(file, `recorded with ${expected.dims} dims, the index has ${dims}`);
      let bytes: number;
      let sha256: string;
      try {
        bytes = statSync(file).size;
        // Size first: a truncated file is told apart without reading it.
        if (bytes !== expected.bytes) throw new DamagedIndexError(file, `size ${bytes} bytes, ${expected.bytes} were written`);
        sha256 = digestFile(file).sha256;
      } catch (error) {
        if (error instanceof DamagedIndexError) throw error;
        throw new DamagedIndexError(file, `could not be read (${(error as Error).message})`, { cause: error });
      }
      if (sha256 !== expected.sha256)
        throw new DamagedIndexError(file, `SHA-256 ${sha256.slice(0, 12)}… differs from the recorded ${expected.sha256.slice(0, 12)}…`);
    }
    const index = new hnswlib.HierarchicalNSW('cosine', dims);
    try {
      index.readIndexSync(file);
    } catch (error) {
      throw new DamagedIndexError(file, `hnswlib could not read it (${(error as Error).message})`, { cause: error });
    }
    if (expected && index.getCurrentCount() !== expected.count) {
      throw new DamagedIndexError(file, `${index.getCurrentCount()} elements, ${expected.count} were written`);
    }
    index.setEf(ef);
    return new VectorIndex(index, dims, M);
  }

  /** Live points (hnswlib counts every slot ever used). */
  get size(): number {
    return this.index.getCurrentCount();
  }

  /** Adds a point, or replaces the vector of a label that is already present. */
  upsert(label: number, vector: Float32Array): void {
    if (vector.length !== this.dims) throw new Error(`vector has ${vector.length} dimensions, index has ${this.dims}`);
    // Grow geometrically so bulk ingests resize O(log n) times.
    if (this.index.getCurrentCount() >= this.index.getMaxElements()) this.index.resizeIndex(this.index.getMaxElements() * 2);
    this.index.addPoint(Array.from(vector), label);
  }

  /**
   * Up to k nearest labels passing `filter`, best first. `ef` widens the search for this call
   * only (filtered searches need it when few points pass).
   */
  /** Hides a label from searches (hnswlib keeps the slot until the index is rebuilt). */
  remove(label: number): void {
    this.index.markDelete(label);
  }

  search(vector: Float32Array, k: number, filter?: (label: number) => boolean, ef?: number): Neighbour[] {
    const wanted = Math.min(k, this.size);
    if (wanted <= 0) return [];
    const defaultEf = this.index.getEf();
    if (ef !== undefined && ef > defaultEf) this.index.setEf(ef);
    let found: hnswlib.SearchResult;
    try {
      found = this.index.searchKnn(Array.from(vector), wanted, filter);
    } finally {
      this.index.setEf(defaultEf);
    }
    const { neighbors, distances } = found;
    // hnswlib's cosine distance is 1 - cos.
    return neighbors.map((label, i) => [label, 1 - distances[i]!]);
  }

  private minimumFileSize(): number {
    return HEADER_BYTES + this.index.getCurrentCount() * level0Bytes(this.M, this.dims);
  }

  /** Writes the file atomically; returns what it is, to be recorded and checked on load. */
  save(file: string): IndexFileRecord {
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    rmSync(temp, { force: true }); // never write through a leftover of a failed attempt
    const needed = this.minimumFileSize();
    const { bavail, bsize } = statfsSync(path.dirname(file));
    if (bavail * bsize < needed) throw new Error(`not enough free space: the index needs at least ${needed} bytes, ${bavail * bsize} are free`);
    // hnswlib writes through an unchecked ofstream: a short file is the only sign of a failed write.
    this.index.writeIndexSync(temp);
    const written = statSync(temp).size;
    if (written < needed) {
      rmSync(temp, { force: true });
      throw new Error(`only ${written} of at least ${needed} bytes could be written (disk full?)`);
    }
    // Hashed as read back from the file, not from memory: the record describes what is on disk.
    const { bytes, sha256 } = digestFile(temp);
    fsyncFile(temp);
    renameSync(temp, file);
    fsyncFile(path.dirname(file));
    return { bytes, sha256, count: this.index.getCurrentCount(), dims: this.dims };
  }
}

/** hnswlib's layer-0 record per slot: 2M links + count, the vector, the label; plus the header. */
function level0Bytes(M: number, dims: number): number {
  return 2 * M * 4 + 4 + dims * 4 + 8;
}

function fsyncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
