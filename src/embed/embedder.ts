// The embedding boundary: what the rest of paperseek needs from a text-embedding model.
// Implementations: ./transformers-embedder.ts (the product). Tests may inject their own.

export type Pooling = 'mean' | 'cls';
export type TextKind = 'query' | 'passage';

/** Everything that determines which vectors a model produces; stored with an index to detect mismatches. */
export interface EmbeddingSpec {
  model: string;
  dtype: string;
  pooling: Pooling;
  normalize: boolean;
  queryPrefix: string;
  passagePrefix: string;
}

export interface Embedder {
  readonly spec: EmbeddingSpec;
  readonly dims: number;
  /** Token limit per text; longer texts are truncated (a deliberate choice, see README). */
  readonly maxTokens: number;
  /**
   * One vector per text, in input order. `onProgress` reports texts finished so far, so
   * long ingests can show rate and ETA.
   */
  embed(texts: string[], kind: TextKind, onProgress?: (done: number) => void): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}
