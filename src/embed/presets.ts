// Known embedding models and how each must be used (pooling, prefixes). A preset is picked by
// its short name or its model id; explicit settings always override it.
import type { EmbeddingSpec } from './embedder.ts';

export type ModelPreset = Omit<EmbeddingSpec, 'dtype'> & { name: string; dims: number };

export const MODEL_PRESETS: readonly ModelPreset[] = [
  // Default: best SciFact nDCG@10 of the small models (72.7), no prefixes needed.
  { name: 'gte-small', model: 'Supabase/gte-small', dims: 384, pooling: 'mean', normalize: true, queryPrefix: '', passagePrefix: '' },
  {
    name: 'bge-small-en-v1.5',
    model: 'Xenova/bge-small-en-v1.5',
    dims: 384,
    pooling: 'cls',
    normalize: true,
    // BGE v1.5 was trained with this instruction on queries only.
    queryPrefix: 'Represent this sentence for searching relevant passages: ',
    passagePrefix: '',
  },
  { name: 'all-MiniLM-L6-v2', model: 'Xenova/all-MiniLM-L6-v2', dims: 384, pooling: 'mean', normalize: true, queryPrefix: '', passagePrefix: '' },
  { name: 'e5-small-v2', model: 'Xenova/e5-small-v2', dims: 384, pooling: 'mean', normalize: true, queryPrefix: 'query: ', passagePrefix: 'passage: ' },
];

export const DEFAULT_MODEL = 'Supabase/gte-small';

/** The preset whose name or model id (either case, with or without the owner) matches. */
export function findPreset(model: string): ModelPreset | undefined {
  const wanted = model.toLowerCase();
  return MODEL_PRESETS.find((preset) => {
    const id = preset.model.toLowerCase();
    return preset.name.toLowerCase() === wanted || id === wanted || id.split('/')[1] === wanted;
  });
}
