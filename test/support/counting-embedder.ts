// Wraps a real embedder and counts the texts it is asked to embed, so tests can prove that
// unchanged papers are not embedded again.
import type { Embedder, TextKind } from '../../src/embed/embedder.ts';

export class CountingEmbedder implements Embedder {
  embedded = 0;

  constructor(private readonly inner: Embedder) {}

  get spec() {
    return this.inner.spec;
  }
  get dims() {
    return this.inner.dims;
  }
  get maxTokens() {
    return this.inner.maxTokens;
  }

  embed(texts: string[], kind: TextKind, onProgress?: (done: number) => void) {
    this.embedded += texts.length;
    return this.inner.embed(texts, kind, onProgress);
  }

  dispose() {
    return this.inner.dispose();
  }
}
