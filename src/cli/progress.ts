// Progress of a streamed ingest: bytes read of the total (the record count of an input is unknown
// until it has been read), records and their rate, vectors embedded, and an ETA from the bytes.
// A live line on a terminal (cli-progress), a line every few seconds otherwise (CI logs, pipes).
import cliProgress from 'cli-progress';
import type { SourceProgress } from '../ingest/ingest-sources.ts';
import { fmt } from '../ingest/skip-report.ts';

export interface SourceProgressReporter {
  update(progress: SourceProgress): void;
  /** Prints a line above the live progress line. */
  log(line: string): void;
  finish(): void;
}

const LOG_INTERVAL_MS = 5000;

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.ceil(seconds);
  return s < 90 ? `${s}s` : s < 5400 ? `${Math.round(s / 60)}m` : `${(s / 3600).toFixed(1)}h`;
}

/** One line describing the progress at `seconds` since the start. */
export function describeProgress(p: SourceProgress, seconds: number): string {
  const rate = seconds > 0 ? p.records / seconds : 0;
  const parts: string[] = [];
  if (p.totalBytes !== undefined && p.totalBytes > 0) {
    const fraction = Math.min(1, p.bytesRead / p.totalBytes);
    const eta = fraction > 0 ? (seconds * (1 - fraction)) / fraction : Number.NaN;
    parts.push(`${(100 * fraction).toFixed(1)}% of ${megabytes(p.totalBytes)}`, `${fmt(p.records)} records`, `${fmt(Math.round(rate))}/s`);
    if (p.embedded > 0) parts.push(`${fmt(p.embedded)} embedded`);
    parts.push(`ETA ${duration(eta)}`);
  } else {
    parts.push(`${megabytes(p.bytesRead)} read`, `${fmt(p.records)} records`, `${fmt(Math.round(rate))}/s`);
    if (p.embedded > 0) parts.push(`${fmt(p.embedded)} embedded`);
  }
  return `ingest: ${parts.join(' | ')}`;
}

export function createSourceProgress(stream: NodeJS.WriteStream = process.stderr): SourceProgressReporter {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  if (stream.isTTY) {
    const bars = new cliProgress.MultiBar({ stream, format: '{text}', hideCursor: true, clearOnComplete: false });
    let bar: cliProgress.SingleBar | undefined;
    return {
      update(p) {
        const text = describeProgress(p, seconds());
        if (bar) bar.update(0, { text });
        else bar = bars.create(1, 0, { text });
      },
      log: (line) => (bar ? bars.log(`${line}\n`) : stream.write(`${line}\n`)),
      finish: () => bars.stop(),
    };
  }
  // The first update prints at once (the run has visibly started), then one line per interval.
  let lastLog = Number.NEGATIVE_INFINITY;
  let last: SourceProgress | undefined;
  return {
    update(p) {
      last = p;
      if (performance.now() - lastLog < LOG_INTERVAL_MS) return;
      lastLog = performance.now();
      stream.write(`${describeProgress(p, seconds())}\n`);
    },
    log: (line) => stream.write(`${line}\n`),
    finish() {
      // The last state once, for logs of runs shorter than the interval too.
      if (last) stream.write(`${describeProgress(last, seconds())}\n`);
      last = undefined;
    },
  };
}
