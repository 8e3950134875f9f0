// Keeps a busy server accepting connections. libuv accepts at most one new connection per turn
// of the event loop (libuv #3696, Node ≥ 20), and a turn lasts as long as the work it runs. With
// 256 busy keep-alive connections, every turn answered all requests that had arrived (~300 ms),
// so new connections sat in the kernel's accept queue for 10 s and more. Here request work runs
// in slices of a few milliseconds, at most one slice per turn, so the loop gets back to polling
// (reads, accepts, model results) between slices and a turn stays short however many requests wait.
import type { MiddlewareHandler } from 'hono';

export class TimeSlicer {
  // Work resuming after an await (a search whose query vector just arrived) goes before new
  // requests: finishing started requests first keeps their latency and the number in flight down.
  private readonly resuming: Array<() => void> = [];
  private readonly arriving: Array<() => void> = [];
  private scheduled = false;
  private sliceStart = 0;

  constructor(readonly sliceMs: number) {}

  /** Resolves, in FIFO order, when a new request may run its first stretch of synchronous work. */
  admit(): Promise<void> {
    return this.enqueue(this.arriving);
  }

  /** Like admit, for work that continues a request already admitted; served before new requests. */
  resume(): Promise<void> {
    return this.enqueue(this.resuming);
  }

  /** Requests waiting for a slice. */
  get backlog(): number {
    return this.resuming.length + this.arriving.length;
  }

  private enqueue(queue: Array<() => void>): Promise<void> {
    return new Promise((resolve) => {
      queue.push(resolve);
      this.schedule();
    });
  }

  // setImmediate, not setTimeout: an immediate queued while immediates run waits for the next turn,
  // so a poll phase always comes between two slices. (Timers queued inside a timer callback can
  // run in the same timers phase once their 1 ms has passed, which chains slices back to back.)
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.runSlice);
  }

  private readonly runSlice = (): void => {
    this.scheduled = false;
    this.sliceStart = performance.now();
    this.admitNext();
  };

  // Each admitted caller continues in a microtask; the next admission is queued behind it, so the
  // clock is read after the work it started (give or take the few microtask hops of a handler).
  private readonly admitNext = (): void => {
    if (this.backlog === 0) return;
    if (performance.now() - this.sliceStart >= this.sliceMs) {
      this.schedule();
      return;
    }
    (this.resuming.shift() ?? this.arriving.shift())!();
    queueMicrotask(this.admitNext);
  };
}

/**
 * Hono middleware: the rest of the request runs in a slice of `slicer`. A request whose client hung
 * up while it waited (a client timeout, a closed tab) is dropped instead of computed for no one.
 */
export function timeSliced(slicer: TimeSlicer): MiddlewareHandler {
  return async (c, next) => {
    await slicer.admit();
    if (c.req.raw.signal.aborted) return new Response(null, { status: CLIENT_CLOSED_REQUEST });
    await next();
  };
}

// nginx's status for "the client closed the connection before the answer"; nobody receives it.
const CLIENT_CLOSED_REQUEST = 499;
