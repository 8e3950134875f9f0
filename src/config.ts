// Reads every PAPERSEEK_* setting (and PORT/HOST) from the environment, validated with zod.
// Only entry points call loadConfig; everything else receives plain options.
import { existsSync } from 'node:fs';
import { z } from 'zod';
import type { ConnectionLimits } from './api/connection-limits.ts';
import { DEFAULT_BM25, DEFAULT_FUSION, DEFAULT_HNSW, DEFAULT_HYBRID_DEPTH, DEFAULT_POSTINGS_CACHE_MB, DEFAULT_QUERY_CACHE_SIZE } from './defaults.ts';
import type { EmbeddingSpec } from './embed/embedder.ts';
import { DEFAULT_MODEL, findPreset } from './embed/presets.ts';
import { AppError } from './errors.ts';
import { STOPWORD_LISTS, stopwords } from './search/query-analysis.ts';
import type { SearchOptions } from './search/search-service.ts';
import type { ScheduledSync } from './sync/schedule.ts';
import type { HnswParams } from './store/vector-index.ts';

/** One source `serve` syncs on a schedule (PAPERSEEK_SYNC); see sync/schedule.ts. */

const INTERVAL_UNITS_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** Longest interval: a year (the scheduler waits in steps, so any length works). */
const MAX_INTERVAL_MS = 366 * INTERVAL_UNITS_MS.d;
// The same rule as `sync arxiv --set`.
const OAI_SET = /^[A-Za-z][\w.-]*(:[\w.-]+)*$/;

/**
 * PAPERSEEK_SYNC: comma-separated `<source>@<interval>` items, a source being `hf-daily` or
 * `arxiv:<set>` (`arxiv:cs`, `arxiv:physics:hep-th`) and an interval a whole number of seconds,
 * minutes, hours or days (`90s`, `30m`, `6h`, `1d`). Returns the problem as a string naming the bad item.
 */
export function parseSyncSchedule(text: string): ScheduledSync[] | string {
  const items = text.split(',').map((item) => item.trim());
  const syncs: ScheduledSync[] = [];
  for (const item of items) {
    if (item === '') return `empty item in "${text}": expected <source>@<interval>, e.g. hf-daily@6h,arxiv:cs@24h`;
    const at = item.lastIndexOf('@');
    if (at < 0) return `"${item}" has no interval: expected <source>@<interval>, e.g. hf-daily@6h or arxiv:cs@24h`;
    const source = item.slice(0, at).trim();
    const every = item.slice(at + 1).trim();
    let args: string[];
    if (source === 'hf-daily') args = ['hf-daily'];
    else if (source.startsWith('arxiv:') && OAI_SET.test(source.slice('arxiv:'.length))) args = ['arxiv', '--set', source.slice('arxiv:'.length)];
    else return `"${item}": unknown source "${source}": expected hf-daily or arxiv:<set> (arxiv:cs, arxiv:physics:hep-th)`;
    const match = /^(\d{1,9})([smhd])$/.exec(every);
    if (!match) return `"${item}": bad interval "${every}": expected a whole number and a unit s, m, h or d (30m, 6h, 1d)`;
    const intervalMs = Number(match[1]) * INTERVAL_UNITS_MS[match[2] as keyof typeof INTERVAL_UNITS_MS];
    if (intervalMs < 1000 || intervalMs > MAX_INTERVAL_MS) return `"${item}": the interval must be between 1s and 366d`;
    if (syncs.some((sync) => sync.source === source)) return `"${item}": ${source} is listed twice`;
    syncs.push({ source, args, intervalMs, every });
  }
  return syncs;
}

const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');
const positiveInt = z.coerce.number().int().positive();

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().optional(),
  PAPERSEEK_DATA_DIR: z.string().default('data/index'),
  PAPERSEEK_MODEL: z.string().default(DEFAULT_MODEL),
  PAPERSEEK_MODEL_DIR: z.string().optional(),
  PAPERSEEK_CACHE_DIR: z.string().optional(),
  PAPERSEEK_DTYPE: z.enum(['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4']).default('q8'),
  PAPERSEEK_POOLING: z.enum(['mean', 'cls']).optional(),
  PAPERSEEK_NORMALIZE: flag.optional(),
  PAPERSEEK_QUERY_PREFIX: z.string().optional(),
  PAPERSEEK_PASSAGE_PREFIX: z.string().optional(),
  PAPERSEEK_BATCH_SIZE: positiveInt.max(1024).default(8),
  PAPERSEEK_THREADS: positiveInt.max(256).optional(),
  PAPERSEEK_HNSW_M: positiveInt.min(2).max(128).default(DEFAULT_HNSW.M),
  PAPERSEEK_HNSW_EF_CONSTRUCTION: positiveInt.max(4096).default(DEFAULT_HNSW.efConstruction),
  PAPERSEEK_HNSW_EF: positiveInt.max(4096).default(DEFAULT_HNSW.ef),
  PAPERSEEK_RRF_K: z.coerce.number().min(0).max(10_000).default(DEFAULT_FUSION.rrfK),
  PAPERSEEK_WEIGHT_SEMANTIC: z.coerce.number().min(0).max(100).default(DEFAULT_FUSION.weights.semantic),
  PAPERSEEK_WEIGHT_KEYWORD: z.coerce.number().min(0).max(100).default(DEFAULT_FUSION.weights.keyword),
  PAPERSEEK_HYBRID_DEPTH: positiveInt.max(10_000).default(DEFAULT_HYBRID_DEPTH),
  PAPERSEEK_BM25_K1: z.coerce.number().min(0).max(100).default(DEFAULT_BM25.k1),
  PAPERSEEK_BM25_B: z.coerce.number().min(0).max(1).default(DEFAULT_BM25.b),
  PAPERSEEK_TITLE_WEIGHT: z.coerce.number().min(0).max(100).default(DEFAULT_BM25.titleWeight),
  PAPERSEEK_STOPWORDS: z
    .string()
    .default('english')
    .refine((value) => value in STOPWORD_LISTS || existsSync(value), 'a list name (english, lucene, none) or an existing file'),
  PAPERSEEK_POSTINGS_CACHE_MB: z.coerce.number().min(0).max(1_000_000).default(DEFAULT_POSTINGS_CACHE_MB),
  PAPERSEEK_RELOAD_MS: z.coerce.number().int().min(0).max(3_600_000).default(1000),
  PAPERSEEK_QUERY_CACHE_SIZE: z.coerce.number().int().min(0).max(1_000_000).default(DEFAULT_QUERY_CACHE_SIZE),
  PAPERSEEK_SLICE_MS: z.coerce.number().min(0).max(1000).default(10),
  PAPERSEEK_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  PAPERSEEK_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  PAPERSEEK_MAX_CONNECTIONS: positiveInt.max(1_000_000).default(1024),
  PAPERSEEK_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(0).max(1_000_000).default(64),
  PAPERSEEK_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PAPERSEEK_SYNC: z
    .string()
    .transform((text, ctx) => {
      const syncs = parseSyncSchedule(text);
      if (typeof syncs === 'string') {
        ctx.addIssue({ code: 'custom', message: syncs });
        return z.NEVER;
      }
      return syncs;
    })
    .default([]),
});

export interface AppConfig {
  port: number;
  host: string | undefined;
  dataDir: string;
  /** How often the server checks for a new index generation (0: never). */
  reloadMs: number;
  /** Longest stretch of request work the server runs per event-loop turn (0: no slicing); see api/time-slicer.ts. */
  sliceMs: number;
  /** Request deadlines and connection caps of the HTTP server; see api/connection-limits.ts. */
  connections: ConnectionLimits;
  embedding: EmbeddingSpec & { modelDir?: string; cacheDir?: string; batchSize: number; threads?: number };
  hnsw: HnswParams;
  search: SearchOptions;
  /** Bytes of decoded keyword postings the store keeps in memory (store/keyword-index.ts). */
  postingsCacheBytes: number;
  /** Sources `serve` syncs on a schedule (PAPERSEEK_SYNC); empty when unset. */
  sync: ScheduledSync[];
  /** The server's log level (PAPERSEEK_LOG_LEVEL); see log/logger.ts. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export function loadConfig(environment: NodeJS.ProcessEnv): AppConfig {
  // An empty variable means "not set", as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new AppError('BAD_CONFIG', `Invalid configuration: ${problems.join('; ')}`, problems);
  }
  const env = parsed.data;
  const preset = findPreset(env.PAPERSEEK_MODEL);
  return {
    port: env.PORT,
    host: env.HOST,
    dataDir: env.PAPERSEEK_DATA_DIR,
    reloadMs: env.PAPERSEEK_RELOAD_MS,
    sliceMs: env.PAPERSEEK_SLICE_MS,
    connections: {
      requestTimeoutMs: env.PAPERSEEK_REQUEST_TIMEOUT_MS,
      idleTimeoutMs: env.PAPERSEEK_IDLE_TIMEOUT_MS,
      maxConnections: env.PAPERSEEK_MAX_CONNECTIONS,
      maxConnectionsPerIp: env.PAPERSEEK_MAX_CONNECTIONS_PER_IP,
    },
    embedding: {
      model: preset?.model ?? env.PAPERSEEK_MODEL,
      dtype: env.PAPERSEEK_DTYPE,
      pooling: env.PAPERSEEK_POOLING ?? preset?.pooling ?? 'mean',
      normalize: env.PAPERSEEK_NORMALIZE ?? preset?.normalize ?? true,
      queryPrefix: env.PAPERSEEK_QUERY_PREFIX ?? preset?.queryPrefix ?? '',
      passagePrefix: env.PAPERSEEK_PASSAGE_PREFIX ?? preset?.passagePrefix ?? '',
      modelDir: env.PAPERSEEK_MODEL_DIR,
      cacheDir: env.PAPERSEEK_CACHE_DIR,
      batchSize: env.PAPERSEEK_BATCH_SIZE,
      threads: env.PAPERSEEK_THREADS,
    },
    hnsw: { M: env.PAPERSEEK_HNSW_M, efConstruction: env.PAPERSEEK_HNSW_EF_CONSTRUCTION, ef: env.PAPERSEEK_HNSW_EF },
    search: {
      fusion: { rrfK: env.PAPERSEEK_RRF_K, weights: { semantic: env.PAPERSEEK_WEIGHT_SEMANTIC, keyword: env.PAPERSEEK_WEIGHT_KEYWORD } },
      hybridDepth: env.PAPERSEEK_HYBRID_DEPTH,
      queryCacheSize: env.PAPERSEEK_QUERY_CACHE_SIZE,
      keyword: {
        bm25: { k1: env.PAPERSEEK_BM25_K1, b: env.PAPERSEEK_BM25_B, titleWeight: env.PAPERSEEK_TITLE_WEIGHT },
        stopwords: stopwords(env.PAPERSEEK_STOPWORDS),
      },
    },
    postingsCacheBytes: env.PAPERSEEK_POSTINGS_CACHE_MB * 2 ** 20,
    sync: env.PAPERSEEK_SYNC,
    logLevel: env.PAPERSEEK_LOG_LEVEL,
  };
}
