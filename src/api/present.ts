// Turns search hits into the public result shape (a subset of the paper plus its score).
import type { SearchHit } from '../search/search-service.ts';

export const toResult = ({ paper, score }: SearchHit) => ({
  id: paper.id,
  title: paper.title,
  score: Math.round(score * 1e6) / 1e6,
  abstract: paper.abstract,
  published: paper.published,
  upvotes: paper.upvotes,
  authors_count: paper.authors_count,
  github_url: paper.github_url,
  project_url: paper.project_url,
});
