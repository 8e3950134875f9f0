// Ingest progress: what the line says (bytes of the total, records and their rate, ETA from bytes,
// or bytes read when the size is unknown), and that it is drawn from update() itself, with no timer.
import { describe, expect, it } from 'vitest';
import { createSourceProgress, describeProgress } from '../../src/cli/progress.ts';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream };
}

describe('ingest progress', () => {
  it('gives the share of the input read, the rate and an ETA from bytes', () => {
    const line = describeProgress({ bytesRead: 250 * 2 ** 20, totalBytes: 1000 * 2 ** 20, records: 150_000, embedded: 0 }, 30);
    expect(line).toBe('ingest: 25.0% of 1000 MB | 150,000 records | 5,000/s | ETA 2m');
    expect(describeProgress({ bytesRead: 500, totalBytes: 1000, records: 10, embedded: 4 }, 7200)).toContain('| 4 embedded | ETA 2.0h');
  });

  it('gives the bytes read when the total is unknown (standard input)', () => {
    expect(describeProgress({ bytesRead: 3 * 2 ** 20, totalBytes: undefined, records: 42, embedded: 0 }, 2)).toBe('ingest: 3.0 MB read | 42 records | 21/s');
  });

  it('on a terminal, redraws one line from update() and keeps log lines above it', () => {
    const { writes, stream } = fakeStream(true);
    const progress = createSourceProgress(stream);
    progress.update({ bytesRead: 1, totalBytes: 10, records: 1, embedded: 0 });
    progress.update({ bytesRead: 2, totalBytes: 10, records: 2, embedded: 0 }); // within the redraw interval: not drawn
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^\r\x1b\[2Kingest: 10\.0% /);
    progress.log('read a.json: 2 record(s)');
    expect(writes.slice(1)).toEqual(['\r\x1b[2Kread a.json: 2 record(s)\n', expect.stringMatching(/^\r\x1b\[2Kingest: 20\.0% /)]);
    progress.finish();
    expect(writes.at(-1)).toMatch(/^\r\x1b\[2Kingest: 20\.0% .*\n$/);
  });

  it('elsewhere, prints the first update at once, then the last state when done', () => {
    const { writes, stream } = fakeStream(false);
    const progress = createSourceProgress(stream);
    progress.update({ bytesRead: 1, totalBytes: 10, records: 1, embedded: 0 });
    progress.update({ bytesRead: 10, totalBytes: 10, records: 9, embedded: 0 });
    progress.finish();
    expect(writes.map((w) => w.slice(0, 22))).toEqual(['ingest: 10.0% of 0.0 M', 'ingest: 100.0% of 0.0 ']);
  });
});
