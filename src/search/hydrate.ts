// Turns ranked candidates (labels + per-side scores) into hits: the papers of one page, loaded
// in one query, with highlights of the query terms.
import type { PaperReader } from '../store/paper-store.ts';
import type { Neighbour } from '../store/vector-index.ts';
import type { FusedCandidate } from './fusion.ts';
import { markup, plainHighlight } from './highlight.ts';
import type { SearchHit, SearchMode } from './types.ts';

export function hydrate(
  store: Pick<PaperReader, 'papersByLabels' | 'highlights'>,
  page: readonly FusedCandidate[],
  mode: SearchMode,
  terms: readonly string[],
): SearchHit[] {
  const labels = page.map((candidate) => candidate.label);
  const papers = store.papersByLabels(labels);
  const marked = store.highlights(terms, papers);
  const hits: SearchHit[] = [];
  for (const { label, fused, semantic, keyword } of page) {
    const paper = papers.get(label);
    if (!paper) continue;
    const highlight = marked.get(label);
    hits.push({
      paper,
      score: mode === 'hybrid' ? fused : mode === 'semantic' ? semantic!.score : keyword!.score,
      scores: { semantic: semantic?.score ?? null, keyword: keyword?.score ?? null, fused: mode === 'hybrid' ? fused : null },
      ranks: { semantic: semantic?.rank ?? null, keyword: keyword?.rank ?? null },
      highlights: highlight ? markup(highlight) : plainHighlight(paper),
    });
  }
  return hits;
}

/** One side's ranked list as candidates (semantic or keyword mode, similar, recommend). */
export function singleSide(list: readonly Neighbour[], side: 'semantic' | 'keyword', firstRank = 1): FusedCandidate[] {
  return list.map(([label, score], i) => {
    const hit = { score, rank: firstRank + i };
    return { label, fused: score, semantic: side === 'semantic' ? hit : null, keyword: side === 'keyword' ? hit : null };
  });
}
