// The search verbs the API and CLI share: free-text search, papers similar to a paper, lookup.
// Semantic only for now; each verb returns plain hits (paper + score), best first.
import type { Embedder } from '../embed/embedder.ts';
import { AppError } from '../errors.ts';
import type { PaperRecord } from '../sources/record.ts';
import type { PaperStore } from '../store/paper-store.ts';

export interface SearchHit {
  paper: PaperRecord;
  /** Cosine similarity of the query and the paper, in [-1, 1]. */
  score: number;
}

/** The embedding model, or why it could not be loaded: the server runs either way. */
export type ModelSlot = { embedder: Embedder; error?: undefined } | { embedder?: undefined; error: AppError };

export class SearchService {
  constructor(
    private readonly store: PaperStore,
    private readonly model: ModelSlot,
  ) {}

  async search(query: string, k: number): Promise<SearchHit[]> {
    const embedder = this.requireEmbedder();
    const [vector] = await embedder.embed([query], 'query');
    return this.store.hydrate(this.store.nearest(vector!, k));
  }

  /** Nearest papers to a stored paper's vector; the paper itself is never among them. */
  similar(id: string, k: number): SearchHit[] {
    const stored = this.store.vectorOf(id);
    if (!stored) throw notFound(id);
    if (!stored.vector) throw new AppError('MODEL_UNAVAILABLE', `Paper "${id}" has no vector yet; ingest again with the model available.`);
    const source = stored.label;
    return this.store.hydrate(this.store.nearest(stored.vector, k, (label) => label !== source));
  }

  paper(id: string): PaperRecord {
    const paper = this.store.get(id);
    if (!paper) throw notFound(id);
    return paper;
  }

  health() {
    const spec = this.store.spec;
    const embedder = this.model.embedder;
    return {
      status: embedder ? ('ok' as const) : ('degraded' as const),
      papers: this.store.count(),
      model: {
        id: embedder?.spec.model ?? spec?.model ?? null,
        dims: embedder?.dims ?? spec?.dims ?? null,
        dtype: embedder?.spec.dtype ?? spec?.dtype ?? null,
        ready: Boolean(embedder),
        error: this.model.error?.message ?? null,
      },
    };
  }

  private requireEmbedder(): Embedder {
    if (this.model.embedder) return this.model.embedder;
    throw this.model.error;
  }
}

const notFound = (id: string) => new AppError('NOT_FOUND', `No paper with id "${id}".`, { id });
