import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { TimeSlicer, timeSliced } from '../../src/api/time-slicer.ts';

/** Counts event-loop turns: one increment per check phase. */
function turnCounter() {
  let turn = 0;
  let running = true;
  const tick = () => {
    turn++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return { now: () => turn, stop: () => (running = false) };
}

function busy(ms: number) {
  const start = performance.now();
  while (performance.now() - start < ms);
}

/** `callers` waiters that each do `workMs` of synchronous work once admitted; the turn of each admission. */
async function admitAll(slicer: TimeSlicer, callers: number, workMs: number) {
  const turns = turnCounter();
  const admittedIn: number[] = [];
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: callers }, async (_, i) => {
      await slicer.admit();
      admittedIn.push(turns.now());
      order.push(i);
      busy(workMs);
    }),
  );
  turns.stop();
  const perTurn = new Map<number, number>();
  for (const turn of admittedIn) perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1);
  return { order, turnsUsed: perTurn.size, mostInOneTurn: Math.max(...perTurn.values()) };
}

describe('TimeSlicer', () => {
  it('admits every waiter, first come first served', async () => {
    const { order } = await admitAll(new TimeSlicer(5), 30, 0);
    expect(order).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('serves work resuming an admitted request before new requests', async () => {
    const slicer = new TimeSlicer(5);
    const order: string[] = [];
    const arrivals = ['new 1', 'new 2', 'new 3'].map(async (name) => {
      await slicer.admit();
      order.push(name);
    });
    const resumed = slicer.resume().then(() => order.push('resumed'));
    await Promise.all([...arrivals, resumed]);
    expect(order).toEqual(['resumed', 'new 1', 'new 2', 'new 3']);
    expect(slicer.backlog).toBe(0);
  });

  it('spreads work over event-loop turns, about one slice of work per turn', async () => {
    // 20 × 2 ms of work in 5 ms slices: about 3 per turn (a caller started before the budget ran out finishes).
    const sliced = await admitAll(new TimeSlicer(5), 20, 2);
    expect(sliced.mostInOneTurn).toBeLessThanOrEqual(4);
    expect(sliced.turnsUsed).toBeGreaterThanOrEqual(5);
    // Control: with an unlimited slice the same work all runs in one turn, blocking the loop for 40 ms.
    const unsliced = await admitAll(new TimeSlicer(Number.POSITIVE_INFINITY), 20, 2);
    expect(unsliced.turnsUsed).toBe(1);
  });

  it('lets I/O callbacks run between slices', async () => {
    const slicer = new TimeSlicer(3);
    const events: string[] = [];
    const work = Array.from({ length: 12 }, async (_, i) => {
      await slicer.admit();
      events.push('work');
      // Set from inside the first slice (setting it before could let it fire ahead of that slice,
      // depending on the loop phase the test starts in). Due after 1 ms, so after this 2 ms of
      // work it fires in the next turn's timers phase: between two slices.
      if (i === 0) setTimeout(() => events.push('timer'), 0);
      busy(2);
    });
    await Promise.all(work);
    const timerAt = events.indexOf('timer');
    expect(timerAt).toBeGreaterThan(0);
    expect(timerAt).toBeLessThan(events.length - 1);
  });

  it('runs each request of a Hono app in a slice, in arrival order', async () => {
    const slicer = new TimeSlicer(2);
    const handled: number[] = [];
    const app = new Hono().use(timeSliced(slicer)).get('/:n', (c) => {
      const n = Number(c.req.param('n'));
      handled.push(n);
      busy(1);
      return c.json({ n });
    });
    const responses = await Promise.all(Array.from({ length: 10 }, (_, n) => app.request(`/${n}`)));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(await Promise.all(responses.map(async (r) => ((await r.json()) as { n: number }).n))).toEqual([...Array(10).keys()]);
    expect(handled).toEqual([...Array(10).keys()]);
    expect(slicer.backlog).toBe(0);
  });

  it('drops a request whose client went away while it waited, and still answers the rest', async () => {
    const slicer = new TimeSlicer(2);
    let handled = 0;
    const app = new Hono().use(timeSliced(slicer)).get('/', (c) => {
      handled++;
      return c.text('ok');
    });
    const gone = new AbortController();
    const waiting = [app.request('/'), app.request('/', { signal: gone.signal }), app.request('/')];
    gone.abort();
    const statuses = (await Promise.all(waiting)).map((r) => r.status);
    expect(statuses).toEqual([200, 499, 200]);
    expect(handled).toBe(2);
  });
});
