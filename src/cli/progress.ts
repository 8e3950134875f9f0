// Progress of a streamed ingest: bytes read of the total (the record count of an input is unknown
// until it has been read), records and their rate, vectors embedded, and an ETA from the bytes.
// A live line on a terminal, a line every few seconds otherwise (CI logs, pipes). Both redraw from
// update() itself, never from a timer: the ingest loop runs from microtask to microtask while the
// reading thread keeps up, so a timer-driven bar would only draw once the run is over.
import type { SourceProgress } from '../ingest/ingest-sources.ts';
import { fmt } from '../ingest/skip-report.ts';
import type { OutputStream } from './context.ts';

export interface SourceProgressReporter {
  update(progress: SourceProgress): void;
  /** Prints a line above the live progress line. */
  log(line: string): void;
  finish(): void;
}

const LOG_INTERVAL_MS = 5000;
const TTY_REDRAW_MS = 200;

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

/** `stream`: the command's stderr (context.ts); a live line when it is a terminal. */
export function createSourceProgress(stream: OutputStream): SourceProgressReporter {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  if (stream.isTTY) {
    let line = '';
    let drawn = Number.NEGATIVE_INFINITY;
    const draw = () => stream.write(`\r\x1b[2K${line}`);
    return {
      update(p) {
        line = describeProgress(p, seconds());
        if (performance.now() - drawn < TTY_REDRAW_MS) return;
        drawn = performance.now();
        draw();
      },
      log(text) {
        stream.write(`\r\x1b[2K${text}\n`);
        if (line !== '') draw();
      },
      finish() {
        if (line !== '') stream.write(`\r\x1b[2K${line}\n`);
        line = '';
      },
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
