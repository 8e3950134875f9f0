// Query text → vector, with an LRU cache keyed by model and normalised text so repeated
// queries (search-as-you-type, pagination, popular queries) skip the model.
import { LRUCache } from 'lru-cache';
import type { Embedder } from '../embed/embedder.ts';

export interface QueryCacheStats {
  capacity: number;
  size: number;
  hits: number;
  misses: number;
  hitRate: number | null;
}

/** Paces the work that follows a model call (the server's TimeSlicer). */
export interface WorkPacer {
  resume(): Promise<void>;
}

export class QueryEncoder {
  private readonly cache: LRUCache<string, Promise<Float32Array>> | undefined;
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly embedder: Embedder,
    private readonly capacity: number,
    private readonly pacer?: WorkPacer,
  ) {
    this.cache = capacity > 0 ? new LRUCache({ max: capacity }) : undefined;
  }

  encode(text: string): Promise<Float32Array> {
    const key = `${this.embedder.spec.model}\u0000${text.normalize('NFKC').trim().replace(/\s+/g, ' ')}`;
    const cached = this.cache?.get(key);
    if (cached) {
      this.hits++;
      return cached;
    }
    this.misses++;
    // The promise is cached, so concurrent identical queries share one model call.
    // A model result arrives in its own event-loop callback, for every query of the batch at once;
    // through the pacer, the searches waiting on it continue in slices (ahead of new requests).
    const vector = this.embedder.embed([text], 'query').then(async ([first]) => {
      await this.pacer?.resume();
      return first!;
    });
    this.cache?.set(key, vector);
    vector.catch(() => this.cache?.delete(key));
    return vector;
  }

  stats(): QueryCacheStats {
    const lookups = this.hits + this.misses;
    return {
      capacity: this.capacity,
      size: this.cache?.size ?? 0,
      hits: this.hits,
      misses: this.misses,
      hitRate: lookups > 0 ? Math.round((this.hits / lookups) * 1000) / 1000 : null,
    };
  }
}
