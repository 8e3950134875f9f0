// The search verbs the API and CLI share: text search in three modes, papers similar to a
// paper, recommendations from examples, lookup and status. Each returns plain data (domain
// terms: api/present.ts shapes the response bodies).
import { DEFAULT_FUSION, DEFAULT_HYBRID_DEPTH, DEFAULT_QUERY_CACHE_SIZE } from '../defaults.ts';
import { AppError } from '../errors.ts';
import type { PaperRecord } from '../sources/record.ts';
import { isEmptyFilter } from '../store/filters.ts';
import { isCorruption, quickCheckOffThread, type StorageStatus } from '../store/health.ts';
import type { PaperReader } from '../store/paper-store.ts';
import type { SyncReport } from '../sync/schedule.ts';
import { reciprocalRankFusion, semanticConfidence, type FusionOptions } from './fusion.ts';
import { hydrate, singleSide } from './hydrate.ts';
import { DEFAULT_KEYWORD, KeywordSearch, type KeywordOptions } from './keyword-search.ts';
import { QueryEncoder, type QueryCacheStats, type WorkPacer } from './query-encoder.ts';
import { recommendationVector } from './recommend.ts';
import { semanticCandidates } from './semantic.ts';
import type { ModelSlot, PageRequest, RecommendRequest, SearchMode, SearchPage, SearchRequest } from './types.ts';

export type { ModelSlot, SearchHit, SearchMode, SearchPage } from './types.ts';

export interface SearchOptions {
  fusion: FusionOptions;
  /** Candidates each side contributes to fusion (at least offset + k). */
  hybridDepth: number;
  /** Query-embedding LRU entries; 0 disables the cache. */
  queryCacheSize: number;
  keyword: KeywordOptions;
  /** Told how long searches and their stages take (the server's /metrics); none by default. */
  observer?: SearchObserver;
}

export type SearchStage = 'embed' | 'vector' | 'keyword' | 'hydrate';

export interface SearchObserver {
  /** A search answered, by the mode asked for, in seconds (failed searches are not told). */
  searched(mode: SearchMode, seconds: number): void;
  /** One stage of a search, by the mode that ran it (keyword when hybrid fell back to it). */
  stage(mode: SearchMode, stage: SearchStage, seconds: number): void;
}

export const DEFAULT_SEARCH_OPTIONS: SearchOptions = {
  fusion: DEFAULT_FUSION,
  hybridDepth: DEFAULT_HYBRID_DEPTH,
  queryCacheSize: DEFAULT_QUERY_CACHE_SIZE,
  keyword: DEFAULT_KEYWORD,
};

/** What the service runs on and can do; GET /health presents it (api/present.ts toHealth). */
export interface ServiceStatus {
  papers: number;
  /** Papers stored without a vector (ingested while the model was unavailable). */
  pendingVectors: number;
  capabilities: { keyword: boolean; semantic: boolean; hybrid: boolean; similar: boolean };
  /** The loaded model, else the one the index was built with (nulls for an empty index without a model). */
  model: { id: string | null; dims: number | null; dtype: string | null; ready: boolean; error: string | null };
  /** The query-embedding cache; null without a model. */
  queryCache: QueryCacheStats | null;
  storage: StorageStatus;
  /** Scheduled and past syncs (sync/schedule.ts syncReporter). */
  sync: SyncReport[];
}

export class SearchService {
  private readonly encoder: QueryEncoder | undefined;
  private readonly keyword: KeywordSearch;
  private storage: StorageStatus = 'unchecked';

  constructor(
    private readonly store: PaperReader,
    private readonly model: ModelSlot,
    private readonly options: SearchOptions = DEFAULT_SEARCH_OPTIONS,
    pacer?: WorkPacer,
    /** /health's `sync` list (sync/schedule.ts syncReporter); none by default. */
    private readonly syncReport: () => SyncReport[] = () => [],
  ) {
    this.encoder = model.embedder && new QueryEncoder(model.embedder, options.queryCacheSize, pacer);
    this.keyword = new KeywordSearch(store, options.keyword);
  }

  /**
   * Runs SQLite's quick_check on the store's database file (`papers.db`) on a worker thread and
   * keeps its verdict for /health. Meant for server start; requests are served meanwhile.
   */
  async checkStorage(file: string): Promise<StorageStatus> {
    const { status } = await quickCheckOffThread(file);
    this.noteStorage(status);
    return status;
  }

  /**
   * Keeps the verdict of a check run elsewhere for /health (a cluster's workers take the primary's
   * one quick_check rather than each reading the whole database). 'unchecked' changes nothing.
   */
  noteStorage(status: StorageStatus): void {
    if (status !== 'unchecked') this.storage = status;
  }

  /** Loads what keyword ranking needs before the first query (the server calls it at start). */
  prepareKeywordSearch(): void {
    this.watch(() => this.keyword.prepare());
  }

  search(request: SearchRequest): Promise<SearchPage> {
    const observer = this.options.observer;
    const started = performance.now();
    const page = this.watch(() => this.searchUnwatched(request));
    if (!observer) return page;
    return page.then((answer) => (observer.searched(request.mode, (performance.now() - started) / 1000), answer));
  }

  /** Runs one stage of a search, timing it for the observer (a promise until it settles). */
  private timed<T>(mode: SearchMode, stage: SearchStage, work: () => T): T {
    const observer = this.options.observer;
    if (!observer) return work();
    const started = performance.now();
    const note = () => observer.stage(mode, stage, (performance.now() - started) / 1000);
    const result = work();
    if (result instanceof Promise) return result.then((value: unknown) => (note(), value)) as T;
    note();
    return result;
  }

  private async searchUnwatched(request: SearchRequest): Promise<SearchPage> {
    const { query, k, offset, filter } = request;
    // Without a model, hybrid answers from its keyword half and says so.
    const mode = request.mode === 'hybrid' && !this.model.embedder ? 'keyword' : request.mode;
    const degraded = mode !== request.mode;
    const degradedReason = degraded ? `the embedding model is unavailable: ${this.model.error?.message ?? 'not loaded'}` : null;
    const end = offset + k;

    if (mode === 'keyword') {
      const keyword = this.timed(mode, 'keyword', () => this.keyword.search(query, filter, end));
      const hits = this.timed(mode, 'hydrate', () =>
        hydrate(this.store, singleSide(keyword.hits.slice(offset), 'keyword', offset + 1), 'keyword', keyword.words),
      );
      return { mode: request.mode, hits, total: keyword.total, totalExact: keyword.exact, degraded, degradedReason };
    }
    const vector = await this.timed(mode, 'embed', () => this.requireEncoder().encode(query));
    if (mode === 'semantic') {
      const ranked = this.timed(mode, 'vector', () => semanticCandidates(this.store, vector, end, filter)).slice(offset);
      const hits = this.timed(mode, 'hydrate', () => hydrate(this.store, singleSide(ranked, 'semantic', offset + 1), 'semantic', this.keyword.words(query)));
      return { mode, hits, total: this.store.countWithVectors(filter), totalExact: true, degraded, degradedReason };
    }
    const depth = Math.max(this.options.hybridDepth, end);
    const semantic = this.timed(mode, 'vector', () => semanticCandidates(this.store, vector, depth, filter));
    const { rrfK, weights } = this.options.fusion;
    const fusion = { rrfK, weights: { semantic: weights.semantic * semanticConfidence(semantic), keyword: weights.keyword } };
    const keyword = this.timed(mode, 'keyword', () => this.keyword.search(query, filter, depth));
    const fused = reciprocalRankFusion(semantic, keyword.hits, fusion);
    const hits = this.timed(mode, 'hydrate', () => hydrate(this.store, fused.slice(offset, end), 'hybrid', keyword.words));
    // Every paper with a vector is rankable by the semantic half, so all passing papers can be paged to.
    return { mode, hits, total: Math.max(this.store.countWithVectors(filter), fused.length), totalExact: true, degraded, degradedReason, fusion };
  }

  /** Nearest papers to a stored paper's vector; the paper itself is never among them. */
  similar(id: string, page: PageRequest): SearchPage {
    return this.watch(() => this.similarUnwatched(id, page));
  }

  private similarUnwatched(id: string, page: PageRequest): SearchPage {
    const stored = this.store.vectorOf(id);
    if (!stored) throw notFound(id);
    if (!stored.vector) throw pendingVector(id);
    return this.nearestPage(stored.vector, new Set([stored.label]), page);
  }

  /** Papers near the positive examples (and the text), away from the negative ones; inputs excluded. */
  recommend(request: RecommendRequest): Promise<SearchPage> {
    return this.watch(() => this.recommendUnwatched(request));
  }

  private async recommendUnwatched(request: RecommendRequest): Promise<SearchPage> {
    const ids = [...request.positive, ...request.negative];
    const stored = new Map(ids.map((id) => [id, this.store.vectorOf(id)]));
    const unknown = ids.filter((id) => !stored.get(id));
    if (unknown.length > 0) {
      throw new AppError(
        'BAD_REQUEST',
        `Unknown paper id(s): ${unknown.join(', ')}.`,
        unknown.map((id) => ({ field: 'ids', reason: `unknown paper id "${id}"` })),
      );
    }
    const vectorOf = (id: string) => stored.get(id)!.vector ?? throwError(pendingVector(id));
    const text = request.text ? [await this.requireEncoder().encode(request.text)] : [];
    const vector = recommendationVector([...request.positive.map(vectorOf), ...text], request.negative.map(vectorOf));
    const inputs = new Set(ids.map((id) => stored.get(id)!.label));
    return this.nearestPage(vector, inputs, request);
  }

  paper(id: string): PaperRecord {
    const paper = this.watch(() => this.store.get(id));
    if (!paper) throw notFound(id);
    return paper;
  }

  status(): ServiceStatus {
    const spec = this.store.spec;
    const embedder = this.model.embedder;
    const papers = this.store.count();
    const pending = this.store.countPending();
    return {
      papers,
      pendingVectors: pending,
      // Similar papers and recommendations compare stored vectors: they need no model, but vectors.
      capabilities: { keyword: true, semantic: Boolean(embedder), hybrid: Boolean(embedder), similar: papers > pending },
      model: {
        id: embedder?.spec.model ?? spec?.model ?? null,
        dims: embedder?.dims ?? spec?.dims ?? null,
        dtype: embedder?.spec.dtype ?? spec?.dtype ?? null,
        ready: Boolean(embedder),
        error: this.model.error?.message ?? null,
      },
      queryCache: this.encoder?.stats() ?? null,
      storage: this.storage,
      sync: this.syncReport(),
    };
  }

  /** Runs `work`; a SQLite corruption error out of it (thrown or rejected) marks the storage corrupt for /health. */
  private watch<T>(work: () => T): T {
    const note = (error: unknown) => {
      if (isCorruption(error)) this.storage = 'corrupt';
      return error;
    };
    try {
      const result = work();
      return (result instanceof Promise ? result.catch((error: unknown) => Promise.reject(note(error))) : result) as T;
    } catch (error) {
      throw note(error);
    }
  }

  private nearestPage(vector: Float32Array, exclude: Set<number>, { k, offset, filter }: PageRequest): SearchPage {
    const ranked = semanticCandidates(this.store, vector, offset + k + exclude.size, filter).filter(([label]) => !exclude.has(label));
    const hits = hydrate(this.store, singleSide(ranked.slice(offset, offset + k), 'semantic', offset + 1), 'semantic', []);
    // The inputs are not results, but only those that pass the filter were counted among them.
    const excluded = isEmptyFilter(filter) ? exclude.size : this.store.labelsPassing([...exclude], filter!).size;
    const total = Math.max(0, this.store.countWithVectors(filter) - excluded);
    return { mode: 'semantic', hits, total, totalExact: true, degraded: false, degradedReason: null };
  }

  private requireEncoder(): QueryEncoder {
    if (this.encoder) return this.encoder;
    throw this.model.error;
  }
}

const throwError = (error: Error): never => {
  throw error;
};
const notFound = (id: string) => new AppError('NOT_FOUND', `No paper with id "${id}".`, { id });
const pendingVector = (id: string) =>
  new AppError('MODEL_UNAVAILABLE', `Paper "${id}" has no vector yet (ingested without a model); ingest again with the model available.`, { id });
