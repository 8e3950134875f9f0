// The server's structured log (pino): one JSON object per line on stdout — each request (method,
// route, status, ms), start-up, index reloads, errors — at PAPERSEEK_LOG_LEVEL (info). When stdout
// is a terminal the same lines are pretty-printed (pino-pretty, in pino's transport thread).
// Scripts and tests wait for the ready event in this log (./ready.ts); the "… listening on http://…"
// line for people stays a plain stderr line.
import pino, { type Logger } from 'pino';
import type { RequestRecord } from '../api/metrics.ts';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** Pretty-print (default: when stdout is a terminal). */
  pretty?: boolean;
  /** Where to write instead of stdout (tests). */
  destination?: pino.DestinationStream;
}

export function createLogger({ level = 'info', pretty = Boolean(process.stdout.isTTY), destination }: LoggerOptions = {}): Logger {
  const options: pino.LoggerOptions = { level, timestamp: pino.stdTimeFunctions.isoTime };
  if (destination) return pino(options, destination);
  if (pretty) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'hostname', singleLine: true } },
    });
  }
  return pino(options);
}

/** A logger that writes nothing (tests and tools that build the app without a server). */
export const silentLogger: Logger = pino({ level: 'silent' });

/** The request log: one line per answered request; a handler's error (a 500) at error level, with its stack. */
export function requestLogger(logger: Logger): (record: RequestRecord) => void {
  return ({ method, route, status, ms, error }) => {
    const line = { method, route, status, ms: Math.round(ms * 100) / 100 };
    if (error && status >= 500) logger.error({ ...line, err: error }, 'request failed');
    else logger.info(line, 'request');
  };
}
