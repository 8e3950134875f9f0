// HTTP for `paperseek sync`: one polite client per remote service. Requests go out one at a time
// (never two in flight, so one connection at a time), each at least `minIntervalMs` after the end
// of the previous exchange; a `Retry-After` (503, 429) pushes the next request back further. Each request has a
// timeout covering the whole response, body included (AbortSignal.timeout), and is retried by
// p-retry with exponential backoff and jitter on network errors, a body cut off mid-way, timeouts,
// 408, 429 and 5xx. Anything else (404, a response the parser rejects) fails at once.
import { setTimeout as sleep } from 'node:timers/promises';
import pRetry, { AbortError } from 'p-retry';
import { messageOf } from '../errors.ts';

export interface ClientOptions {
  userAgent: string;
  /** Least time between the starts of two requests (arXiv asks for 3 s). */
  minIntervalMs: number;
  /** Whole-response deadline per attempt, body included. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  retries: number;
  /** First backoff delay; doubled per retry, times a random factor of 1–2 (jitter). */
  retryMinMs: number;
  /** Longest backoff delay. */
  retryMaxMs: number;
  /** A `Retry-After` longer than this is not waited out: the request fails. */
  maxRetryAfterMs: number;
  log?: (line: string) => void;
}

/** One failed attempt; `retryable` says whether another attempt may succeed. */
export class AttemptError extends Error {
  override readonly name = 'AttemptError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** A request that failed for good: after its retries, or at once when retrying could not help. */
export class RequestFailed extends Error {
  override readonly name = 'RequestFailed';
  constructor(
    readonly url: string,
    readonly attempts: number,
    /** What went wrong the last time, in one line. */
    readonly lastError: string,
    options?: { cause?: unknown },
  ) {
    super(`${url}: ${lastError} (${attempts} attempt${attempts === 1 ? '' : 's'})`, options);
  }
}

/** The body stream failed (reset, timeout) after the headers came: the whole page is fetched again. */
class BodyReadError extends AttemptError {}

/** Server-asked waits (`Retry-After`) do not use up retries, up to this many per request. */
const MAX_FLOW_CONTROL_WAITS = 10;

/** `Retry-After` as seconds or as an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** `fetch failed` says nothing: the cause (ECONNREFUSED, ECONNRESET, a timeout…) is the message. */
function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return `no complete answer within ${timeoutMs / 1000} s (timeout)`;
  const cause = (error as { cause?: unknown } | null)?.cause;
  const detail = cause instanceof Error ? `${(cause as { code?: string }).code ?? ''} ${cause.message}`.trim() : '';
  const message = messageOf(error);
  return detail !== '' && !message.includes(detail) ? `${message}: ${detail}` : message;
}

/** The body as Buffers; a failure while reading it becomes a retryable BodyReadError. */
async function* bodyOf(response: Response, timeoutMs: number): AsyncGenerator<Buffer> {
  if (!response.body) return;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  } catch (error) {
    throw new BodyReadError(`the response body broke off: ${describe(error, timeoutMs)}`, true);
  }
}

export class PoliteClient {
  /** performance.now() before which no request may start. */
  private notBefore = 0;
  /** Requests run one after another: each waits for the previous one to settle. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ClientOptions) {}

  /**
   * GETs `url` and hands the body to `read` (a streaming parser). The whole exchange is one
   * attempt: a body that breaks off mid-way is fetched again from the start, so `read` must not
   * have effects beyond its result. Throws RequestFailed when the request fails for good.
   */
  get<T>(url: string, read: (body: AsyncIterable<Buffer>, response: Response) => Promise<T>, accept = '*/*'): Promise<T> {
    const result = this.queue.then(() => this.attempts(url, read, accept));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async attempts<T>(url: string, read: (body: AsyncIterable<Buffer>, response: Response) => Promise<T>, accept: string): Promise<T> {
    const { options } = this;
    let attempts = 0;
    let flowWaits = 0;
    const attempt = async (): Promise<T> => {
      attempts++;
      await this.turn();
      try {
        return await this.attempt(url, read, accept);
      } finally {
        // The interval counts from the end of this exchange, so the server sees the requests at
        // least that far apart whatever the latency (a Retry-After may have pushed it further).
        this.notBefore = Math.max(this.notBefore, performance.now() + options.minIntervalMs);
      }
    };
    try {
      return await pRetry(attempt, {
        retries: options.retries,
        minTimeout: options.retryMinMs,
        maxTimeout: options.retryMaxMs,
        factor: 2,
        randomize: true,
        shouldRetry: ({ error }) => !(error instanceof AttemptError) || error.retryable,
        // A server-asked wait is flow control, not a failure (arXiv's OAI-PMH uses 503 + Retry-After so).
        shouldConsumeRetry: ({ error }) => !(error instanceof AttemptError && error.retryAfterMs !== undefined && ++flowWaits <= MAX_FLOW_CONTROL_WAITS),
        onFailedAttempt: ({ error, retriesLeft }) => {
          if (retriesLeft > 0 && (!(error instanceof AttemptError) || error.retryable)) {
            options.log?.(`${url}: ${error.message}; trying again (${retriesLeft} ${retriesLeft === 1 ? 'retry' : 'retries'} left)`);
          }
        },
      });
    } catch (error) {
      throw new RequestFailed(url, attempts, error instanceof AttemptError ? error.message : describe(error, options.timeoutMs), { cause: error });
    }
  }

  /** One exchange: the request, its status, and the body through `read`. */
  private async attempt<T>(url: string, read: (body: AsyncIterable<Buffer>, response: Response) => Promise<T>, accept: string): Promise<T> {
    const { options } = this;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { 'user-agent': options.userAgent, accept },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      throw new AttemptError(describe(error, options.timeoutMs), true);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      const retryable = response.status >= 500 || response.status === 429 || response.status === 408;
      if (retryable && retryAfterMs !== undefined) {
        if (retryAfterMs > options.maxRetryAfterMs) {
          throw new AbortError(
            new AttemptError(
              `${status}, asking to retry after ${Math.round(retryAfterMs / 1000)} s (longer than the ${Math.round(options.maxRetryAfterMs / 1000)} s paperseek waits)`,
              false,
            ),
          );
        }
        this.notBefore = Math.max(this.notBefore, performance.now() + retryAfterMs);
        throw new AttemptError(`${status} (Retry-After: ${Math.round(retryAfterMs / 1000)} s)`, true, retryAfterMs);
      }
      const error = new AttemptError(status, retryable);
      throw retryable ? error : new AbortError(error);
    }
    try {
      return await read(bodyOf(response, options.timeoutMs), response);
    } catch (error) {
      if (error instanceof BodyReadError) throw error;
      // The parser rejected what came: asking again gives the same answer.
      throw new AbortError(new AttemptError(messageOf(error), false));
    }
  }

  /** Waits for this request's slot: `minIntervalMs` after the previous exchange ended, or a Retry-After. */
  private async turn(): Promise<void> {
    const wait = this.notBefore - performance.now();
    if (wait > 0) await sleep(wait);
  }
}
