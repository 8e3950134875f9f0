// Loads the committed WordPiece vocabulary (vocab.txt) and its per-token document
// frequencies (vocab-df.txt); both are produced by build-vocab.ts.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const VOCAB_SIZE = 30522;
export const VOCAB_PATH = fileURLToPath(new URL('./vocab.txt', import.meta.url));
export const VOCAB_DF_PATH = fileURLToPath(new URL('./vocab-df.txt', import.meta.url));
export const SPECIAL_IDS = { pad: 0, unk: 100, cls: 101, sep: 102, mask: 103 } as const;

export interface Vocab {
  /** Token strings indexed by id. */
  tokens: string[];
  /** Number of documents each token occurs in (same order as tokens). */
  df: Int32Array;
  /** Number of documents the frequencies were counted over. */
  documents: number;
}

let cached: Vocab | undefined;

export function loadVocab(): Vocab {
  if (cached) return cached;
  const tokens = readFileSync(VOCAB_PATH, 'utf8').replace(/\n$/, '').split('\n');
  const [header = '', ...lines] = readFileSync(VOCAB_DF_PATH, 'utf8').replace(/\n$/, '').split('\n');
  const documents = Number(/documents=(\d+)/.exec(header)?.[1]);
  if (tokens.length !== VOCAB_SIZE || lines.length !== VOCAB_SIZE || !(documents > 0)) {
    throw new Error(`corrupt test-model vocabulary: ${tokens.length} tokens, ${lines.length} df rows`);
  }
  cached = { tokens, df: Int32Array.from(lines, Number), documents };
  return cached;
}
