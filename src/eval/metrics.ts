// Ranking metrics at a cutoff, as BEIR and TREC compute them: nDCG with 2^grade − 1 gain,
// recall of judged-relevant papers, and reciprocal rank of the first relevant paper.

export interface Metrics {
  ndcg: number;
  recall: number;
  mrr: number;
}

/** `ranked`: result ids best first; `relevant`: id → grade (> 0 is relevant). */
export function scoreRanking(ranked: readonly string[], relevant: Readonly<Record<string, number>>, cutoff: number): Metrics {
  const top = ranked.slice(0, cutoff);
  const gain = (grade: number) => 2 ** grade - 1;
  const discount = (index: number) => 1 / Math.log2(index + 2);
  const dcg = top.reduce((sum, id, i) => sum + gain(relevant[id] ?? 0) * discount(i), 0);
  const ideal = Object.values(relevant)
    .filter((grade) => grade > 0)
    .sort((a, b) => b - a)
    .slice(0, cutoff)
    .reduce((sum, grade, i) => sum + gain(grade) * discount(i), 0);
  const relevantCount = Object.values(relevant).filter((grade) => grade > 0).length;
  const found = top.filter((id) => (relevant[id] ?? 0) > 0).length;
  const firstHit = top.findIndex((id) => (relevant[id] ?? 0) > 0);
  return {
    ndcg: ideal > 0 ? dcg / ideal : 0,
    recall: relevantCount > 0 ? found / relevantCount : 0,
    mrr: firstHit >= 0 ? 1 / (firstHit + 1) : 0,
  };
}

export function meanMetrics(all: readonly Metrics[]): Metrics {
  const mean = (pick: (m: Metrics) => number) => (all.length > 0 ? all.reduce((sum, m) => sum + pick(m), 0) / all.length : 0);
  return { ndcg: mean((m) => m.ndcg), recall: mean((m) => m.recall), mrr: mean((m) => m.mrr) };
}
