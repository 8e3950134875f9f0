// Reading is streamed: a generated 300,000-record arXiv snapshot (hundreds of MB) flows through
// detection, the JSON Lines reader and the snapshot mapper while the heap stays flat. A reader
// that collected the file, its lines or its records would grow the heap by far more than the bound.
import { describe, expect, it } from 'vitest';
import { generatedSentences, snapshotStream } from '../../scripts/bench/lib/arxiv-snapshot.ts';
import { openSource, STDIN } from '../../src/sources/index.ts';

const RECORDS = 300_000;
/** Heap growth allowed over the whole read: a few chunks, parser state and GC slack. */
const HEAP_BOUND_MB = 96;

describe('streamed reading', () => {
  it(`reads ${RECORDS.toLocaleString('en-US')} records with bounded heap growth`, { timeout: 240_000 }, async () => {
    const input = snapshotStream(RECORDS, { sentences: generatedSentences(2000), abstractSentences: [3, 6] });
    const source = await openSource(STDIN, {}, input);
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    let read = 0;
    let lastLine = 0;
    for await (const entry of source.entries) {
      expect(entry.ok).toBe(true);
      read++;
      lastLine = entry.line;
      if (read % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    const bytes = source.input.bytesRead();
    const growthMb = (peak - baseline) / 2 ** 20;
    expect(read).toBe(RECORDS);
    expect(lastLine).toBe(RECORDS);
    expect(source.format()).toBe('arxiv-snapshot (JSON Lines)');
    // The input is several times the bound, so holding it (or its records) could not pass.
    expect(bytes / 2 ** 20).toBeGreaterThan(3 * HEAP_BOUND_MB);
    expect(growthMb, `heap grew ${growthMb.toFixed(0)} MB reading ${(bytes / 2 ** 20).toFixed(0)} MB`).toBeLessThan(HEAP_BOUND_MB);
  });
});
