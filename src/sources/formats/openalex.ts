// OpenAlex work objects (`GET /works/{id}`, the items of list responses' `results`, and the
// lines of the works snapshot): {id: "https://openalex.org/W…", doi, title, display_name,
// publication_date, publication_year, ids{openalex, doi, mag, pmid…}, authorships[{author
// {display_name}, raw_author_name}], abstract_inverted_index{word: [positions]}, primary_location,
// locations[{landing_page_url, pdf_url, source{display_name}}], topics, concepts, cited_by_count…}.
//
// Id: the arXiv id when any location (or an arXiv DataCite DOI) points at arXiv, so a preprint is
// the same paper as in the arXiv sources; else the DOI; else the short OpenAlex id (`W2741809807`).
//
// Categories: the `topics` display names (OpenAlex assigns at most 3, best first, from its current
// ~4,500-topic taxonomy). `concepts` is the deprecated older taxonomy, with dozens of entries per
// work of very uneven relevance, so it is only used, best 3, for records from before topics.

import { arxivId, arxivUrl } from '../arxiv-id.ts';
import type { RecordFields } from '../build-record.ts';
import { FieldReader, got, isRecord, normalizeSpace } from '../fields.ts';
import type { FieldProblem, MappedRecord } from '../record.ts';
import { built, notAnObject, objectNames, putText, requiredTextHinted } from './mapping.ts';

/** A work: the inverted-index abstract or authorships only OpenAlex has, or an OpenAlex W id. */
export function looksLikeOpenAlex(value: unknown): boolean {
  if (!isRecord(value)) return false;
  if ('abstract_inverted_index' in value || 'authorships' in value) return true;
  return typeof value.id === 'string' && value.id.startsWith('https://openalex.org/W');
}

const TITLE_ELSEWHERE = ['paper_title', 'name'];
const ABSTRACT_ELSEWHERE = ['abstract', 'summary', 'description', 'abstract_text'];
const ARXIV_DOI = /^10\.48550\/arxiv\.(.+)$/i;
// No abstract is anywhere near this long; a larger position is a corrupt index, not a word.
const MAX_POSITION = 100_000;
const MAX_CATEGORIES = 3;

export function mapOpenAlex(value: unknown): MappedRecord {
  if (!isRecord(value)) return notAnObject(value, 'an OpenAlex work');
  const problems: FieldProblem[] = [];
  const titleValue = blank(value.title) ? value.display_name : value.title;
  const title = requiredTextHinted(value, titleValue, 'title', ['title', 'display_name'], TITLE_ELSEWHERE, problems);
  const abstract = workAbstract(value, problems);
  if (title === null || abstract === null) return { ok: false, problems, raw: value };

  const r = new FieldReader();
  const openalexId = r.text(value.id, 'id')?.replace(/^https?:\/\/openalex\.org\//i, '') ?? null;
  const doi = r.doi(value.doi, 'doi');
  const arxiv = arxivOf(value, doi);
  const landing = landingPage(value);

  const fields: RecordFields = {
    id: arxiv ?? doi ?? openalexId,
    title,
    abstract,
    authors: objectNames(value.authorships, 'authorships', r, (a) => (isRecord(a.author) ? a.author.display_name : undefined) ?? a.raw_author_name),
    published: r.date(value.publication_date, 'publication_date') ?? r.date(value.publication_year, 'publication_year'),
    categories: workCategories(value, r),
    doi,
    url:
      arxiv !== null
        ? arxivUrl(arxiv)
        : (landing ?? (doi !== null ? `https://doi.org/${doi}` : openalexId !== null ? `https://openalex.org/${openalexId}` : null)),
    extra: {},
  };

  const extra = fields.extra!;
  if (openalexId !== null && openalexId !== fields.id) extra.openalex = openalexId;
  const cited = r.count(value.cited_by_count, 'cited_by_count');
  if (cited !== null) extra.cited_by_count = cited;
  putText(extra, 'type', value.type, r);
  putText(extra, 'language', value.language, r);
  const primary = value.primary_location;
  if (isRecord(primary) && isRecord(primary.source)) putText(extra, 'venue', primary.source.display_name, r);
  const openAccess = value.open_access;
  if (isRecord(openAccess)) {
    const oaUrl = r.url(openAccess.oa_url, 'open_access.oa_url');
    if (oaUrl !== null) extra.oa_url = oaUrl;
  }
  if (value.is_retracted === true) extra.is_retracted = true;
  return built(fields, r, value);
}

const blank = (value: unknown): boolean => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** The abstract: a plain `abstract` when a converted dump has one, else rebuilt from the inverted index. */
function workAbstract(value: Record<string, unknown>, problems: FieldProblem[]): string | null {
  if (typeof value.abstract === 'string' && value.abstract.trim() !== '') return value.abstract;
  const index = value.abstract_inverted_index;
  if (isRecord(index)) {
    const text = invertedAbstract(index);
    if (typeof text === 'string' && text !== '') return text;
    problems.push({
      field: 'abstract_inverted_index',
      reason: text === '' ? 'is empty: no abstract' : `must map each word to a list of positions (${text.problem})`,
    });
    return null;
  }
  if (index !== undefined && index !== null) {
    problems.push({ field: 'abstract_inverted_index', reason: `must be an object of word → positions, ${got(index)}` });
    return null;
  }
  const before = problems.length;
  requiredTextHinted(value, undefined, 'abstract', ['abstract_inverted_index', 'abstract'], ABSTRACT_ELSEWHERE, problems);
  const problem = problems[before]!;
  if (index === null) {
    // The common case: OpenAlex has no abstract for about half of its works (publisher restrictions).
    problem.reason = 'is required; OpenAlex has no abstract for this work (`abstract_inverted_index` is null)';
  } else if (!problem.reason.includes('the record has text under')) {
    problem.reason = 'is required; this work has no `abstract_inverted_index` — when selecting fields (`select=`), include it';
  }
  return null;
}

/**
 * Rebuild the text from `{word: [positions]}`: each word at each of its positions, joined with
 * spaces (gaps skipped). A bad entry is reported rather than guessed around.
 */
export function invertedAbstract(index: Record<string, unknown>): string | { problem: string } {
  const words: string[] = [];
  for (const [word, positions] of Object.entries(index)) {
    if (!Array.isArray(positions)) return { problem: `"${word}": ${got(positions)}` };
    for (const position of positions) {
      if (!Number.isSafeInteger(position) || (position as number) < 0 || (position as number) > MAX_POSITION) {
        return { problem: `"${word}": position ${got(position)}` };
      }
      words[position as number] = word;
    }
  }
  // filter() skips the holes a sparse array has where no word was given.
  return normalizeSpace(words.filter((word) => word !== undefined).join(' '));
}

/** The arXiv id from `ids`, an arXiv DOI, or any location on arxiv.org; null when none. */
function arxivOf(value: Record<string, unknown>, doi: string | null): string | null {
  const ids = value.ids;
  if (isRecord(ids)) {
    const fromIds = arxivId(ids.arxiv);
    if (fromIds !== null) return fromIds;
  }
  const fromDoi = doi === null ? null : arxivId(ARXIV_DOI.exec(doi)?.[1]);
  if (fromDoi !== null) return fromDoi;
  const locations = Array.isArray(value.locations) ? [...value.locations] : [];
  locations.push(value.primary_location, value.best_oa_location);
  for (const location of locations) {
    if (!isRecord(location)) continue;
    for (const url of [location.landing_page_url, location.pdf_url]) {
      if (typeof url === 'string' && /arxiv\.org\//i.test(url)) {
        const id = arxivId(url);
        if (id !== null) return id;
      }
    }
  }
  return null;
}

function landingPage(value: Record<string, unknown>): string | null {
  for (const location of [value.primary_location, value.best_oa_location]) {
    if (isRecord(location) && typeof location.landing_page_url === 'string' && /^https?:\/\//i.test(location.landing_page_url)) {
      return location.landing_page_url.trim();
    }
  }
  return null;
}

/** `topics` display names, else the best `concepts` (see the top of the file). */
function workCategories(value: Record<string, unknown>, r: FieldReader): string[] | null {
  const topics = objectNames(value.topics, 'topics', r, (topic) => topic.display_name);
  if (topics !== null) return topics.slice(0, MAX_CATEGORIES);
  if (!Array.isArray(value.concepts)) return null;
  const concepts = value.concepts
    .filter((c): c is Record<string, unknown> => isRecord(c) && typeof c.display_name === 'string' && c.display_name.trim() !== '')
    .sort((a, b) => (typeof b.score === 'number' ? b.score : 0) - (typeof a.score === 'number' ? a.score : 0))
    .slice(0, MAX_CATEGORIES)
    .map((c) => normalizeSpace(c.display_name as string));
  return concepts.length > 0 ? concepts : null;
}
