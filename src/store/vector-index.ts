// The approximate nearest-neighbour index: hnswlib-node in cosine space, keyed by paper label.
// Saved atomically (temp file, fsync, rename) so a crash never leaves a torn index file.
import { closeSync, fsyncSync, openSync, renameSync } from 'node:fs';
import path from 'node:path';
import hnswlib from 'hnswlib-node';

export interface HnswParams {
  /** Graph degree: higher = better recall, more memory. */
  M: number;
  efConstruction: number;
  /** Search breadth; raised to k automatically when k is larger. */
  ef: number;
}

/** A neighbour: label and cosine similarity (1 = same direction). */
export type Neighbour = [label: number, score: number];

const INITIAL_CAPACITY = 1024;

export class VectorIndex {
  private constructor(
    private readonly index: hnswlib.HierarchicalNSW,
    readonly dims: number,
  ) {}

  static create(dims: number, params: HnswParams, capacity = INITIAL_CAPACITY): VectorIndex {
    const index = new hnswlib.HierarchicalNSW('cosine', dims);
    // Fixed seed: the same input builds the same graph, so results are reproducible.
    index.initIndex(Math.max(capacity, INITIAL_CAPACITY), params.M, params.efConstruction, 100);
    index.setEf(params.ef);
    return new VectorIndex(index, dims);
  }

  static load(file: string, dims: number, ef: number): VectorIndex {
    const index = new hnswlib.HierarchicalNSW('cosine', dims);
    index.readIndexSync(file);
    index.setEf(ef);
    return new VectorIndex(index, dims);
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

  save(file: string): void {
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    this.index.writeIndexSync(temp);
    fsyncFile(temp);
    renameSync(temp, file);
    fsyncFile(path.dirname(file));
  }
}

function fsyncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
