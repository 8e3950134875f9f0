// `paperseek worker --queue redis://host:port/db`: an embedding worker for ingests run with
// `--queue` (src/queue/embed-worker.ts). Runs until SIGINT/SIGTERM (the job in hand finishes
// first); exits 1 when it refuses a job made for another model. `--status` prints the queue's
// jobs, workers and coordinators instead.
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { DEFAULT_LOCK_MS, runEmbedWorker } from '../../queue/embed-worker.ts';
import { fetchStatus, formatStatus } from '../../queue/status.ts';
import { type CommandContext, println } from '../context.ts';
import { integerIn } from '../options.ts';

interface WorkerCommandOptions {
  queue: string;
  concurrency: number;
  lockMs: number;
  status?: boolean;
  json?: boolean;
}

export function registerWorker(program: Command, context: CommandContext): void {
  program
    .command('worker')
    .description('embed papers for `ingest --queue` runs: take jobs from the Redis queue, embed them with the configured model, return the vectors')
    .requiredOption('--queue <redis-url>', 'the Redis holding the queue, e.g. redis://127.0.0.1:6379/0')
    .option('--concurrency <n>', 'jobs taken at once; they share one model thread', integerIn(1, 64), 1)
    .option('--lock-ms <ms>', "job lock duration: a dead worker's job goes to another worker after this long", integerIn(1000, 3_600_000), DEFAULT_LOCK_MS)
    .option('--status', "print the queue's jobs, workers (model, jobs, papers) and coordinators (papers/s), then exit")
    .option('--json', 'with --status: one JSON object')
    .action(async (options: WorkerCommandOptions) => {
      if (options.status) {
        const status = await fetchStatus(options.queue);
        println(context.stdout, options.json ? JSON.stringify(status, null, 2) : formatStatus(status).join('\n'));
        return;
      }
      const config = loadConfig(context.env);
      const stop = new AbortController();
      const onSignal = () => {
        if (stop.signal.aborted) process.exit(130); // a second signal: do not wait for the job in hand
        println(context.stderr, 'stopping after the job in hand (signal again to stop now)');
        stop.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const outcome = await runEmbedWorker({
          url: options.queue,
          embedding: config.embedding,
          concurrency: options.concurrency,
          lockMs: options.lockMs,
          signal: stop.signal,
        });
        println(context.stderr, `worker stopped: ${outcome.reason}`);
        context.exitCode = outcome.code;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
