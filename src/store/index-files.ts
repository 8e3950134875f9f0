// The HNSW files of a data dir, one per generation (`papers.<generation>.hnsw`). A new
// generation is written beside the current one and only then announced in SQLite, so a
// reader (the server) always has a complete file to load, and a crash mid-write leaves the
// previous generation intact.
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/** The name of a generation's file; the generation is the first group. */
export const INDEX_FILE = /^papers\.(\d+)\.hnsw$/;

export class IndexFiles {
  constructor(private readonly dir: string) {}

  file(generation: number): string {
    return path.join(this.dir, `papers.${generation}.hnsw`);
  }

  generations(): number[] {
    return readdirSync(this.dir)
      .map((name) => INDEX_FILE.exec(name)?.[1])
      .filter((match): match is string => match !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  /** Removes generations older than `keepFrom` (the previous one stays for readers mid-load). */
  prune(keepFrom: number): void {
    for (const generation of this.generations()) if (generation < keepFrom) rmSync(this.file(generation), { force: true });
    // Temp files of writes that died before their rename.
    for (const name of readdirSync(this.dir)) if (/^\.papers\.\d+\.hnsw\.\d+\.tmp$/.test(name)) rmSync(path.join(this.dir, name), { force: true });
  }
}
