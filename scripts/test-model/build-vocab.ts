// Regenerates the committed test-model vocabulary (vocab.txt) and per-token document
// frequencies (vocab-df.txt) from data/sample plus the BEIR SciFact corpus. Deterministic.
// Usage: npx tsx scripts/test-model/build-vocab.ts [path/to/scifact/corpus.jsonl]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VOCAB_CHAR, preTokenize, wordPiece } from './bert-text.ts';
import { VOCAB_DF_PATH, VOCAB_PATH, VOCAB_SIZE } from './vocab.ts';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLE = `${REPO_ROOT}data/sample/000_15e46c23e16ff53f.txt`;
const SCIFACT = `${REPO_ROOT}../shared/beir/scifact/corpus.jsonl`;
const MIN_WORD_COUNT = 2;
const MAX_PIECE_CHARS = 8;
/** Share of the free slots that whole words may take; the rest goes to sub-word pieces. */
const WORD_SHARE = 0.8;

const byCountThenText = (a: [string, number], b: [string, number]): number => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** BERT's layout: [PAD]=0, [unused0..98], [UNK]=100, [CLS]=101, [SEP]=102, [MASK]=103. */
function specialTokens(): string[] {
  const out = ['[PAD]'];
  for (let i = 0; i < 99; i++) out.push(`[unused${i}]`);
  out.push('[UNK]', '[CLS]', '[SEP]', '[MASK]');
  return out;
}

function loadDocuments(scifactPath: string): string[] {
  const docs = readFileSync(SAMPLE, 'utf8')
    .split(/\n\s*\n/)
    .filter((p) => p.trim() !== '');
  for (const line of readFileSync(scifactPath, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const rec = JSON.parse(line) as { title?: string; abstract?: string };
    docs.push(`${rec.title ?? ''}\n${rec.abstract ?? ''}`);
  }
  return docs;
}

/** Sub-word candidates of out-of-vocabulary words, scored by occurrences x characters saved. */
function pieceCandidates(words: Map<string, number>, vocab: Set<string>): [string, number][] {
  const scores = new Map<string, number>();
  for (const [word, count] of words) {
    if (vocab.has(word)) continue;
    const chars = [...word];
    for (let start = 0; start < chars.length; start++) {
      const maxLen = Math.min(MAX_PIECE_CHARS, chars.length - start - (start === 0 ? 1 : 0));
      for (let len = 2; len <= maxLen; len++) {
        const piece = (start > 0 ? '##' : '') + chars.slice(start, start + len).join('');
        if (!vocab.has(piece)) scores.set(piece, (scores.get(piece) ?? 0) + count * (len - 1));
      }
    }
  }
  return [...scores].sort(byCountThenText);
}

export function buildVocab(docs: string[]): { tokens: string[]; df: number[] } {
  const words = new Map<string, number>();
  const chars = new Set<string>();
  const docWords = docs.map((doc) => preTokenize(doc));
  for (const list of docWords)
    for (const w of list) {
      words.set(w, (words.get(w) ?? 0) + 1);
      for (const c of w) if (VOCAB_CHAR.test(c)) chars.add(c);
    }
  const tokens = specialTokens();
  const sortedChars = [...chars].sort((a, b) => (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0));
  tokens.push(...sortedChars, ...sortedChars.map((c) => `##${c}`));
  const vocab = new Set(tokens);
  const wordBudget = Math.floor((VOCAB_SIZE - tokens.length) * WORD_SHARE);
  const frequent = [...words].filter(([w, n]) => n >= MIN_WORD_COUNT && !vocab.has(w) && [...w].length > 1);
  for (const [w] of frequent.sort(byCountThenText).slice(0, wordBudget)) tokens.push(w), vocab.add(w);
  for (const [piece] of pieceCandidates(words, vocab)) {
    if (tokens.length >= VOCAB_SIZE) break;
    tokens.push(piece), vocab.add(piece);
  }
  for (let i = 99; tokens.length < VOCAB_SIZE; i++) tokens.push(`[unused${i}]`);

  const ids = new Map(tokens.map((t, i) => [t, i] as const));
  const df = new Array<number>(tokens.length).fill(0);
  for (const list of docWords) {
    const seen = new Set<number>();
    for (const w of list) for (const p of wordPiece(w, ids) ?? ['[UNK]']) seen.add(ids.get(p) ?? 100);
    for (const id of seen) df[id] = (df[id] ?? 0) + 1;
  }
  return { tokens, df };
}

function main(): void {
  const docs = loadDocuments(process.argv[2] ?? SCIFACT);
  const { tokens, df } = buildVocab(docs);
  writeFileSync(VOCAB_PATH, `${tokens.join('\n')}\n`);
  writeFileSync(VOCAB_DF_PATH, `# documents=${docs.length} (one document frequency per vocab.txt line)\n${df.join('\n')}\n`);
  const pieces = tokens.filter((t) => t.startsWith('##') && [...t].length > 3).length;
  console.log(`wrote ${tokens.length} tokens (${pieces} multi-char ## pieces) from ${docs.length} documents`);
  console.log(`  ${VOCAB_PATH}\n  ${VOCAB_DF_PATH}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
