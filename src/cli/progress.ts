// Progress for long work, with rate and ETA: a live bar on a terminal, periodic lines otherwise
// (CI logs, pipes), so progress is visible either way without flooding a log.
import cliProgress from 'cli-progress';

export interface ProgressReporter {
  update(done: number, total: number): void;
  finish(): void;
}

const LOG_INTERVAL_MS = 2000;

export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  return stream.isTTY ? new BarProgress(label, stream) : new LineProgress(label, stream);
}

class RateClock {
  private readonly started = performance.now();

  measure(done: number, total: number) {
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 ? (total - done) / rate : Number.NaN;
    return { rate: rate.toFixed(1), eta: Number.isFinite(eta) ? `${Math.ceil(eta)}s` : '?', seconds };
  }
}

class BarProgress implements ProgressReporter {
  private readonly clock = new RateClock();
  private readonly bar: cliProgress.SingleBar;
  private started = false;

  constructor(label: string, stream: NodeJS.WriteStream) {
    this.bar = new cliProgress.SingleBar(
      { stream, format: `${label} {bar} {value}/{total} papers | {rate} papers/s | ETA {eta_text}`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
  }

  update(done: number, total: number): void {
    const { rate, eta } = this.clock.measure(done, total);
    if (!this.started) {
      this.bar.start(total, done, { rate, eta_text: eta });
      this.started = true;
    } else this.bar.update(done, { rate, eta_text: eta });
  }

  finish(): void {
    if (this.started) this.bar.stop();
  }
}

class LineProgress implements ProgressReporter {
  private readonly clock = new RateClock();
  private lastLog = -Infinity;
  private last = { done: 0, total: 0 };

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream,
  ) {}

  update(done: number, total: number): void {
    this.last = { done, total };
    const now = performance.now();
    if (now - this.lastLog < LOG_INTERVAL_MS && done < total) return;
    this.lastLog = now;
    this.print();
  }

  finish(): void {
    if (this.last.done < this.last.total) this.print();
  }

  private print(): void {
    const { done, total } = this.last;
    const { rate, eta } = this.clock.measure(done, total);
    this.stream.write(`${this.label} ${done}/${total} papers (${rate} papers/s, ETA ${eta})\n`);
  }
}
