// Hugging Face papers API records:
// - `GET /api/daily_papers` and `GET /api/papers/search?q=` items: {paper:{id, title, summary,
//   authors[{name, hidden…}], publishedAt, upvotes, githubRepo, projectPage, githubStars,
//   ai_summary, ai_keywords…}, title, summary, publishedAt, numComments, …};
// - `GET /api/papers/<id>`: the paper object itself, unwrapped.
// The `paper` object is preferred, field by field; the item's top level fills what it lacks
// (the daily item repeats title/summary there; its `publishedAt` is the submission to the daily
// list in UTC, while `paper.publishedAt` is the arXiv publication day).

import { arxivId, arxivUrl } from '../arxiv-id.ts';
import type { RecordFields } from '../build-record.ts';
import { FieldReader, isRecord } from '../fields.ts';
import type { FieldProblem, MappedRecord } from '../record.ts';
import { built, notAnObject, objectNames, putText, requiredTextHinted } from './mapping.ts';

/** A daily/search item (`paper` object with HF's keys) or a bare paper object from `/api/papers/<id>`. */
export function looksLikeHfApi(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const paper = isRecord(value.paper) ? value.paper : value;
  return 'summary' in paper && ('upvotes' in paper || 'discussionId' in paper || 'publishedAt' in paper);
}

const TITLE_ELSEWHERE = ['title', 'paper_title', 'name'];
const ABSTRACT_ELSEWHERE = ['summary', 'abstract', 'paperAbstract', 'description', 'abstract_text'];

const blank = (value: unknown): boolean => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

export function mapHfApi(value: unknown): MappedRecord {
  if (!isRecord(value)) return notAnObject(value, 'a Hugging Face paper');
  const wrapped = isRecord(value.paper);
  const paper = wrapped ? (value.paper as Record<string, unknown>) : value;
  // [value, field name for messages]: `paper.x` when present there, else the item's `x`.
  const pick = (key: string): [unknown, string] =>
    wrapped && blank(paper[key]) && !blank(value[key]) ? [value[key], key] : [paper[key], wrapped ? `paper.${key}` : key];
  const read = (key: string) => (wrapped ? [`paper.${key}`, key] : [key]);

  const problems: FieldProblem[] = [];
  const title = requiredTextHinted(value, pick('title')[0], 'title', read('title'), TITLE_ELSEWHERE, problems);
  const abstract = requiredTextHinted(value, pick('summary')[0], 'abstract', read('summary'), ABSTRACT_ELSEWHERE, problems);
  if (title === null || abstract === null) return { ok: false, problems, raw: value };

  const r = new FieldReader();
  const at = <T>(key: string, readField: (v: unknown, field: string) => T): T => readField(...pick(key));
  const rawId = at('id', (v, f) => r.text(v, f));
  // HF paper ids are arXiv ids; anything else is kept as HF's own id, linked to its HF page.
  const arxiv = arxivId(rawId);
  const id = arxiv ?? rawId;

  const fields: RecordFields = {
    id,
    title,
    abstract,
    // Every listed author, `hidden` ones too: hidden only hides the HF profile link, not the authorship.
    authors: objectNames(...pick('authors'), r, (author) => author.name),
    published: at('publishedAt', (v, f) => r.date(v, f)),
    upvotes: at('upvotes', (v, f) => r.count(v, f)),
    url: arxiv !== null ? arxivUrl(arxiv) : id !== null ? `https://huggingface.co/papers/${encodeURIComponent(id)}` : null,
    github_url: at('githubRepo', (v, f) => r.url(v, f)),
    project_url: at('projectPage', (v, f) => r.url(v, f)),
    extra: {},
  };

  const extra = fields.extra!;
  const stars = at('githubStars', (v, f) => r.count(v, f));
  if (stars !== null) extra.githubStars = stars;
  const comments = at('numComments', (v, f) => r.count(v, f));
  if (comments !== null) extra.numComments = comments;
  putText(extra, 'ai_summary', pick('ai_summary')[0], r);
  const keywords = at('ai_keywords', (v, f) => r.names(v, f));
  if (keywords !== null) extra.ai_keywords = keywords;
  const submitted = at('submittedOnDailyAt', (v, f) => r.date(v, f));
  if (submitted !== null) extra.submittedOnDailyAt = submitted;
  const organization = pick('organization')[0];
  if (isRecord(organization)) putText(extra, 'organization', organization.fullname ?? organization.name, r);

  return built(fields, r, value);
}
