// The ready event's consumer side (src/log/ready.ts watchReady), on stand-in child processes: it
// finds the event among other log lines, and fails with the child's stderr when the child exits
// first or stays silent. (`serve` writing the event: cli.test.ts, serve-workers.test.ts.)
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { connectUrl, parseReadyLine, watchReady } from '../../src/log/ready.ts';

const child = (script: string) => spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });

describe('watchReady', () => {
  it('resolves with the ready event written after other log lines, split across writes', async () => {
    const event = { level: 30, event: 'ready', url: 'http://127.0.0.1:4321', host: null, port: 4321, workers: 1, pids: [1], papers: 3, msg: 'ready' };
    const line = JSON.stringify(event);
    const watch = watchReady(
      child(
        `process.stdout.write('{"level":30,"msg":"request"}\\n' + ${JSON.stringify(line.slice(0, 20))}); setTimeout(() => { process.stdout.write(${JSON.stringify(`${line.slice(20)}\n`)}); setTimeout(() => {}, 200); }, 50);`,
      ),
    );
    await expect(watch.ready).resolves.toMatchObject({ event: 'ready', url: 'http://127.0.0.1:4321', port: 4321 });
    expect(watch.output()).toContain('"msg":"request"');
  });

  it("rejects with the child's stderr when it exits before the event", async () => {
    const watch = watchReady(child(`console.error('error: Cannot listen on port 80'); process.exit(1);`));
    await expect(watch.ready).rejects.toThrow(/serve exited with code 1 before its ready event\.\n--- stderr ---\nerror: Cannot listen on port 80/);
  });

  it('rejects after the timeout, naming it, and leaves the child to its owner', async () => {
    const silent = child('setTimeout(() => {}, 10_000);');
    try {
      await expect(watchReady(silent, { timeoutMs: 200, name: 'replica' }).ready).rejects.toThrow(/replica wrote no ready event within 200 ms/);
      expect(silent.exitCode).toBeNull();
    } finally {
      silent.kill('SIGKILL');
    }
  });
});

describe('the ready line', () => {
  it('is recognised only as a JSON object whose event is ready', () => {
    expect(parseReadyLine('{"event":"ready","url":"http://127.0.0.1:1"}')).toMatchObject({ url: 'http://127.0.0.1:1' });
    expect(parseReadyLine('paperseek: 68 papers, listening on http://localhost:3000')).toBeUndefined();
    expect(parseReadyLine('{"event":"ready"')).toBeUndefined();
  });

  it('gives a connectable URL for wildcard and IPv6 hosts', () => {
    expect(connectUrl(undefined, 3000)).toBe('http://127.0.0.1:3000');
    expect(connectUrl('0.0.0.0', 3000)).toBe('http://127.0.0.1:3000');
    expect(connectUrl('::1', 3000)).toBe('http://[::1]:3000');
    expect(connectUrl('example.org', 80)).toBe('http://example.org:80');
  });
});
