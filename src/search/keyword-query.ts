// Turns free text into keyword-search terms: words as FTS5's unicode61 tokenizer sees them,
// lowercased, deduplicated, minus English function words that only add cost.

const STOPWORDS = new Set(
  ('a an and are as at be by can do does for from has have how i in into is it its of on or that the their there these ' +
    'this those to was we were what when where which who why will with you your').split(' '),
);

const MAX_TERMS = 64;

export function queryTerms(text: string): string[] {
  const words = text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const terms = [...new Set(words)].filter((word) => !STOPWORDS.has(word));
  return terms.slice(0, MAX_TERMS);
}
