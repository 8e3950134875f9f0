// BERT uncased text handling for vocabulary building: normaliser, pre-tokeniser and greedy
// WordPiece, mirroring the BertNormalizer / BertPreTokenizer / WordPiece used by transformers.js.

const PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const PRE_TOKEN_PATTERN = new RegExp(`[^\\s${PUNCTUATION}]+|[${PUNCTUATION}]`, 'gu');
const CONTROL = /^(?:\p{Cc}|\p{Cf}|\p{Co}|\p{Cs})$/u;

/** Characters admitted as vocabulary entries (never whitespace, control or separator chars). */
export const VOCAB_CHAR = /^[\p{L}\p{N}\p{P}\p{S}\p{M}]$/u;

function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** clean text + pad CJK chars + lowercase + strip accents (NFD, drop Mn). */
export function normalizeText(text: string): string {
  const out: string[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp === 0 || cp === 0xfffd) continue;
    if (ch !== '\t' && ch !== '\n' && ch !== '\r' && CONTROL.test(ch)) continue;
    if (/^\s$/u.test(ch)) out.push(' ');
    else if (isChineseChar(cp)) out.push(' ', ch, ' ');
    else out.push(ch);
  }
  return out
    .join('')
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '');
}

/** Normalise, then split on whitespace and punctuation (each punctuation char is a word). */
export function preTokenize(text: string): string[] {
  return normalizeText(text).trim().match(PRE_TOKEN_PATTERN) ?? [];
}

/** Greedy longest-match-first WordPiece over one pre-token; null when it cannot be covered. */
export function wordPiece(word: string, vocab: ReadonlySet<string> | ReadonlyMap<string, number>): string[] | null {
  const chars = [...word];
  if (chars.length > 100) return null;
  const pieces: string[] = [];
  let start = 0;
  while (start < chars.length) {
    let end = chars.length;
    let found: string | null = null;
    while (start < end) {
      const sub = (start > 0 ? '##' : '') + chars.slice(start, end).join('');
      if (vocab.has(sub)) {
        found = sub;
        break;
      }
      end--;
    }
    if (found === null) return null;
    pieces.push(found);
    start = end;
  }
  return pieces;
}
