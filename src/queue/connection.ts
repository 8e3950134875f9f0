// Where the embedding queue lives: a Redis URL (`redis://[user:password@]host:port/db`, or
// `rediss://` for TLS) turned into ioredis options that BullMQ and our own keys share. Commands wait
// out a Redis outage (no retry limit per request, reconnecting every ≤2 s) instead of failing:
// the coordinator and workers carry on where they were once Redis is back.
import type { RedisOptions as BullRedisOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { AppError, messageOf } from '../errors.ts';

/** The BullMQ queue every coordinator and worker of one Redis database shares. */
export const QUEUE_NAME = 'paperseek-embed';
/** Prefix of paperseek's own keys (worker registry, coordinator status) next to BullMQ's `bull:` keys. */
export const KEY_PREFIX = `paperseek:${QUEUE_NAME}`;

export interface QueueLocation {
  /** The URL as given, without a password, for messages. */
  label: string;
  options: RedisOptions;
  /** The same options, typed as BullMQ's `connection` wants them. */
  connection: BullRedisOptions;
}

export function parseQueueUrl(url: string): QueueLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError('BAD_CONFIG', `--queue ${JSON.stringify(url)} is not a URL: expected redis://host:port/db, e.g. redis://127.0.0.1:6379/0`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new AppError('BAD_CONFIG', `--queue ${JSON.stringify(url)}: expected a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379/0`);
  }
  const dbText = parsed.pathname.replace(/^\//, '') || '0';
  if (!/^\d{1,2}$/.test(dbText)) throw new AppError('BAD_CONFIG', `--queue ${JSON.stringify(url)}: the database must be a number (/0 … /15), got "${dbText}"`);
  const options: RedisOptions = {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    db: Number(dbText),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    // Wait for Redis to come back rather than fail a command: BullMQ requires it for workers, and
    // the coordinator re-queues what a restarted Redis lost once it can reach it again.
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
  };
  const label = `${parsed.protocol}//${options.host}:${options.port}/${options.db}`;
  return { label, options, connection: options as BullRedisOptions };
}

/** A connected client, or a clear error when Redis cannot be reached at start (later outages are waited out). */
export async function connectRedis(location: QueueLocation, timeoutMs = 10_000): Promise<Redis> {
  const redis = new Redis({ ...location.options, lazyConnect: true });
  let lastError: unknown;
  redis.on('error', (error) => (lastError = error));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(lastError ? messageOf(lastError) : 'timed out')), timeoutMs))),
    ]);
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw new AppError(
      'BAD_CONFIG',
      `Cannot reach the queue's Redis at ${location.label}: ${messageOf(lastError ?? error)}. Start redis-server there (Debian: apt-get install redis-server) or fix --queue.`,
      { queue: location.label },
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}
