// Keyword search: query words (stop words out) → FTS5's terms → BM25F top k over FTS5's postings
// (./keyword-ranker.ts), with the metadata filter applied to the best documents first.
import { DEFAULT_BM25 } from '../defaults.ts';
import { isEmptyFilter, type PaperFilter } from '../store/filters.ts';
import type { PaperReader } from '../store/paper-store.ts';
import type { Bm25Options } from './bm25.ts';
import { KeywordRanker, type KeywordRanking } from './keyword-ranker.ts';
import { queryWords, stopwords } from './query-analysis.ts';

export interface KeywordOptions {
  bm25: Bm25Options;
  /** Stop words dropped from queries. */
  stopwords: ReadonlySet<string>;
  /**
   * After the filter was asked about this many papers in one query, its passing papers are read
   * once (one scan) and the rest is answered from memory (default FILTER_SCAN_AFTER).
   */
  filterScanAfter?: number;
}

/**
 * A filter few matches pass never fills the top k, so it is asked about every match: at ~3.5 µs a
 * paper that is seconds at a million matches, while reading every passing paper's label takes
 * 25–300 ms at a million papers (BENCHMARKS, "Keyword search with filters at 1M papers").
 */
export const FILTER_SCAN_AFTER = 20_000;

export const DEFAULT_KEYWORD: KeywordOptions = { bm25: DEFAULT_BM25, stopwords: stopwords('english') };

export interface KeywordResult extends KeywordRanking {
  /** The words searched, for highlighting (FTS5 stems them the same way). */
  words: string[];
}

/** What keyword search needs of the store. */
export type KeywordStore = Pick<PaperReader, 'keyword' | 'labelsPassing' | 'labelsWhere'>;

export class KeywordSearch {
  private readonly ranker: KeywordRanker;

  constructor(
    private readonly store: KeywordStore,
    private readonly options: KeywordOptions = DEFAULT_KEYWORD,
  ) {
    this.ranker = new KeywordRanker(options.bm25);
  }

  /**
   * Loads the index's document lengths and ranking norms now rather than on the first query (at a
   * million papers ~2 s, which the first searcher would otherwise wait for).
   */
  prepare(): void {
    this.store.keyword.read((view) => this.ranker.warm(view));
  }

  /** Query words without ranking (highlights for the other modes). */
  words(query: string): string[] {
    return [...new Set(queryWords(query, this.options.stopwords))];
  }

  search(query: string, filter: PaperFilter | undefined, depth: number, { prune = true } = {}): KeywordResult {
    const words = queryWords(query, this.options.stopwords);
    const terms = [...this.store.keyword.terms(words.join(' '))].map(([term, count]) => ({ term, count }));
    const passes = isEmptyFilter(filter) ? undefined : this.filterCheck(filter!);
    const ranking = this.store.keyword.read((view) => this.ranker.rank(view, terms, depth, { prune, passes }));
    return { ...ranking, words: [...new Set(words)] };
  }

  /** Asks the store about each list of papers, until that has cost more than one scan would. */
  private filterCheck(filter: PaperFilter): (labels: number[]) => Set<number> {
    const limit = this.options.filterScanAfter ?? FILTER_SCAN_AFTER;
    let asked = 0;
    let passing: Set<number> | undefined;
    return (labels) => {
      asked += labels.length;
      if (!passing && asked > limit) passing = this.store.labelsWhere(filter);
      return passing ? new Set(labels.filter((label) => passing!.has(label))) : this.store.labelsPassing(labels, filter);
    };
  }
}
