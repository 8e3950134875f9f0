// Section `index-verify`: what verifying an index file costs at load. A valid hnswlib file of N
// elements × 384 dims is written directly (every element on level 0, empty link lists: the size and
// per-element load work of a real index, without building a graph), then loaded by fresh processes,
// unverified and verified (size + SHA-256 before readIndexSync), alternating, page cache warm.
//
//   npm run bench -- index-verify --n 1000000 --rounds 2
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { digestFile } from '../../src/store/file-digest.ts';
import { VectorIndex } from '../../src/store/vector-index.ts';
import { BENCH_DIR, fixed, log, publish, table, type Args } from './lib/report.ts';

const DIMS = 384;

/** hnswlib's on-disk layout (hnswalg.h saveIndex) with M 16 and no links. */
function writeFlatIndex(file: string, n: number): void {
  const M = 16;
  const M0 = 2 * M;
  const sizeLinks0 = M0 * 4 + 4;
  const labelOffset = sizeLinks0 + DIMS * 4;
  const perElement = labelOffset + 8;
  const header = Buffer.alloc(96);
  let o = 0;
  const u64 = (v: number) => {
    header.writeBigUInt64LE(BigInt(v), o);
    o += 8;
  };
  u64(0), u64(n), u64(n), u64(perElement), u64(labelOffset), u64(sizeLinks0);
  header.writeInt32LE(0, o);
  header.writeUInt32LE(0, o + 4);
  o += 8;
  u64(M), u64(M0), u64(M);
  header.writeDoubleLE(1 / Math.log(M), o);
  o += 8;
  u64(200);
  const fd = openSync(file, 'w');
  writeSync(fd, header);
  const batch = 4096;
  const buffer = Buffer.alloc(batch * perElement);
  let seed = 1;
  for (let start = 0; start < n; start += batch) {
    const count = Math.min(batch, n - start);
    for (let i = 0; i < count; i++) {
      const vector = new Float32Array(buffer.buffer, buffer.byteOffset + i * perElement + sizeLinks0, DIMS);
      let norm = 0;
      for (let d = 0; d < DIMS; d++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        vector[d] = seed / 2147483648 - 0.5;
        norm += vector[d]! * vector[d]!;
      }
      for (let d = 0; d < DIMS; d++) vector[d] = vector[d]! / Math.sqrt(norm);
      buffer.writeBigUInt64LE(BigInt(start + i), i * perElement + labelOffset);
    }
    writeSync(fd, buffer, 0, count * perElement);
  }
  writeSync(fd, Buffer.alloc(n * 4)); // link list sizes of the upper levels: none
  closeSync(fd);
}

interface LoadJob {
  file: string;
  n: number;
  expected?: { bytes: number; sha256: string; count: number; dims: number };
}

/** Child mode: one load, prints the seconds it took. */
function loadOnce(job: LoadJob): void {
  const started = performance.now();
  const index = VectorIndex.load(job.file, DIMS, 64, 16, job.expected);
  if (index.size !== job.n) throw new Error(`loaded ${index.size} of ${job.n}`);
  console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000 }));
}

export async function runIndexVerify(args: Args): Promise<void> {
  const n = Number(args.n ?? 1_000_000);
  const rounds = Number(args.rounds ?? 2);
  const dir = path.join(BENCH_DIR, 'index-verify');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `flat-${n}.hnsw`);
  log(`writing a ${n}-element index file`);
  writeFlatIndex(file, n);
  const bytes = statSync(file).size;
  let started = performance.now();
  const { sha256 } = digestFile(file);
  const hashSeconds = (performance.now() - started) / 1000;
  const expected = { bytes, sha256, count: n, dims: DIMS };
  const times: Record<'unverified' | 'verified', number[]> = { unverified: [], verified: [] };
  for (let round = 0; round < rounds; round++) {
    for (const mode of ['unverified', 'verified'] as const) {
      const job: LoadJob = { file, n, expected: mode === 'verified' ? expected : undefined };
      started = performance.now();
      const child = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, JSON.stringify(job)], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`load failed: ${child.stderr}`);
      const { seconds } = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { seconds: number };
      times[mode].push(seconds);
      log(`  ${mode}: load ${fixed(seconds, 2)} s (process ${fixed((performance.now() - started) / 1000, 2)} s)`);
    }
  }
  rmSync(file);
  const rows = (['unverified', 'verified'] as const).map((mode) => [mode, times[mode].map((s) => fixed(s, 2)).join(' / '), fixed(Math.min(...times[mode]), 2)]);
  const markdown = [
    `${n.toLocaleString('en-US')} × ${DIMS} file, ${fixed(bytes / 2 ** 30, 2)} GiB; SHA-256 alone (warm): ${fixed(hashSeconds, 2)} s (${fixed(bytes / hashSeconds / 1e6, 0)} MB/s)`,
    '',
    table(['load', 'seconds per round (fresh process)', 'best'], rows),
  ].join('\n');
  publish('index-verify', markdown, { n, bytes, hashSeconds, times });
}

if (process.argv[1] === import.meta.filename && process.argv[2]?.startsWith('{')) loadOnce(JSON.parse(process.argv[2]) as LoadJob);
