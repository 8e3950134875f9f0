// Query words for keyword search: words as FTS5's unicode61 tokenizer sees them, lowercased, minus
// stop words. FTS5 then stems them (./keyword-search.ts), so "models" and "model" are one term
// counted twice. Stop words are dropped from queries only (the index keeps every word), and not
// when a query is made of nothing else ("to be or not to be" still finds something).
import { readFileSync } from 'node:fs';

// NLTK's English stop-word list (nltk_data corpora/stopwords/english, 179 entries; the
// contraction parts "s", "t", "re", "ve"… appear because the tokenizer splits at apostrophes).
// It covers the question words natural-language queries start with ("what", "which", "how").
const NLTK_ENGLISH =
  'i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it its ' +
  'itself they them their theirs themselves what which who whom this that these those am is are was were be been being ' +
  'have has had having do does did doing a an the and but if or because as until while of at by for with about against ' +
  'between into through during before after above below to from up down in out on off over under again further then ' +
  'once here there when where why how all any both each few more most other some such no nor not only own same so than ' +
  'too very s t can will just don should now d ll m o re ve y ain aren couldn didn doesn hadn hasn haven isn ma mightn ' +
  'mustn needn shan shouldn wasn weren won wouldn';

// Lucene's EnglishAnalyzer default stop set (33 words), the list Anserini's BM25 baselines use.
const LUCENE_ENGLISH = 'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with';

export const STOPWORD_LISTS = { english: NLTK_ENGLISH, lucene: LUCENE_ENGLISH, none: '' } as const;
export type StopwordListName = keyof typeof STOPWORD_LISTS;

/** A list by name (`english`, `lucene`, `none`) or a file of words (one per line or space-separated). */
export function stopwords(nameOrFile: string): ReadonlySet<string> {
  const text = nameOrFile in STOPWORD_LISTS ? STOPWORD_LISTS[nameOrFile as StopwordListName] : readFileSync(nameOrFile, 'utf8');
  return new Set(text.toLowerCase().split(/\s+/).filter(Boolean));
}

/** At most this many distinct words of a query are searched. */
export const MAX_QUERY_WORDS = 64;

/** The query's words in order, repeats kept (a repeated word weighs more), stop words out. */
export function queryWords(text: string, stop: ReadonlySet<string>): string[] {
  const words =
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  const content = words.filter((word) => !stop.has(word));
  const chosen = content.length > 0 ? content : words;
  const distinct = new Set<string>();
  return chosen.filter((word) => {
    if (!distinct.has(word) && distinct.size === MAX_QUERY_WORDS) return false;
    distinct.add(word);
    return true;
  });
}
