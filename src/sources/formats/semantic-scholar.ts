// Semantic Scholar paper records, in two spellings:
// - Graph API paper objects (`/graph/v1/paper/batch`, `/paper/{id}`, search `data[]` items):
//   {paperId, corpusId, externalIds{ArXiv, DOI, …}, url, title, abstract, authors[{authorId, name}],
//    year, publicationDate, venue, journal{name}, citationCount, fieldsOfStudy, s2FieldsOfStudy,
//    openAccessPdf{url}, tldr{text}, …} — only the fields asked for with `fields=`, paperId always;
// - the bulk Datasets API files (gzipped JSON Lines), all keys lowercase: the `papers` dataset
//   {corpusid, externalids, url, title, authors, year, publicationdate, venue, journal,
//    citationcount, s2fieldsofstudy, …} has no abstracts, and the `abstracts` dataset
//   {corpusid, abstract, openaccessinfo{url, license, …}} has nothing else. Neither makes a
//   searchable record alone: they must be joined on corpusid first (one object with the keys of
//   both, which this mapper reads like any other record).
//
// Categories: the distinct `s2FieldsOfStudy` categories (external sources and S2's own
// classifier), falling back to `fieldsOfStudy`. s2FieldsOfStudy is in both the Graph API and the
// bulk `papers` dataset (fieldsOfStudy is Graph-only) and includes every fieldsOfStudy entry, so
// one paper read from either gets the same categories; it is also set for papers whose
// fieldsOfStudy is null.

import { arxivId, arxivUrl } from '../arxiv-id.ts';
import type { RecordFields } from '../build-record.ts';
import { FieldReader, got, isRecord, normalizeSpace } from '../fields.ts';
import type { FieldProblem, MappedRecord } from '../record.ts';
import { built, notAnObject, objectNames, putText, requiredTextHinted } from './mapping.ts';

/** A Graph API paper (`paperId`) or a bulk dataset record (`corpusid`). */
export function looksLikeSemanticScholar(value: unknown): boolean {
  return isRecord(value) && ('paperId' in value || 'corpusid' in value || ('corpusId' in value && 'externalIds' in value));
}

const TITLE_ELSEWHERE = ['paper_title', 'display_name', 'name'];
const ABSTRACT_ELSEWHERE = ['summary', 'description', 'abstract_text', 'abstractText'];

const S2_PAPER_URL = /^https?:\/\/(?:www\.)?semanticscholar\.org\/paper\/(?:[^/]+\/)?([0-9a-f]{40})\b/i;
// arXiv's own DOIs (DataCite): 10.48550/arXiv.2301.00001.
const ARXIV_DOI = /^10\.48550\/arxiv\.(.+)$/i;

export function mapSemanticScholar(value: unknown): MappedRecord {
  if (!isRecord(value)) return notAnObject(value, 'a Semantic Scholar paper');
  // Graph API keys are camelCase, bulk dataset keys the same words in lowercase.
  const bulk = 'corpusid' in value;
  const get = (key: string): unknown => (bulk ? value[key.toLowerCase()] : value[key]);
  const name = (key: string): string => (bulk ? key.toLowerCase() : key);

  const problems: FieldProblem[] = [];
  const title = requiredTextHinted(value, value.title, 'title', ['title'], TITLE_ELSEWHERE, problems);
  // `paperAbstract`: the older S2 Open Research Corpus spelling.
  const abstractValue = value.abstract ?? value.paperAbstract;
  const abstract = requiredTextHinted(value, abstractValue, 'abstract', ['abstract'], ABSTRACT_ELSEWHERE, problems);
  if (title === null || abstract === null) {
    explainMissing(value, bulk, problems);
    return { ok: false, problems, raw: value };
  }

  const r = new FieldReader();
  const externalIds = get('externalIds');
  const ids = isRecord(externalIds) ? externalIds : {};
  if (externalIds !== undefined && externalIds !== null && !isRecord(externalIds)) {
    r.warn(name('externalIds'), `must be an object of id kinds, ${got(externalIds)}; dropped`);
  }
  const doi = r.doi(ids.DOI, `${name('externalIds')}.DOI`);
  const arxiv = arxivId(ids.ArXiv) ?? arxivId(ARXIV_DOI.exec(doi ?? '')?.[1]);
  if (ids.ArXiv !== undefined && ids.ArXiv !== null && arxiv === null) {
    r.warn(`${name('externalIds')}.ArXiv`, `must be an arXiv id like 2301.00001, ${got(ids.ArXiv)}; not used`);
  }

  const s2Url = r.url(get('url'), name('url'));
  const paperId = r.text(value.paperId, 'paperId') ?? (s2Url === null ? null : (S2_PAPER_URL.exec(s2Url)?.[1] ?? null));
  const corpusId = r.count(get('corpusId'), name('corpusId'));
  const s2Id = paperId ?? (corpusId === null ? null : `CorpusId:${corpusId}`);

  const fields: RecordFields = {
    id: arxiv ?? s2Id,
    title,
    abstract,
    authors: objectNames(get('authors'), name('authors'), r, (author) => author.name),
    published: r.date(get('publicationDate'), name('publicationDate')) ?? r.date(get('year'), name('year')),
    categories: categories(get('s2FieldsOfStudy'), get('fieldsOfStudy'), bulk, r),
    doi,
    url:
      arxiv !== null
        ? arxivUrl(arxiv)
        : (s2Url ??
          (paperId !== null
            ? `https://www.semanticscholar.org/paper/${paperId}`
            : corpusId !== null
              ? `https://api.semanticscholar.org/CorpusId:${corpusId}`
              : null)),
    extra: {},
  };

  const extra = fields.extra!;
  if (arxiv !== null && paperId !== null) extra.paperId = paperId;
  if (corpusId !== null) extra.corpusId = corpusId;
  for (const key of ['citationCount', 'influentialCitationCount', 'referenceCount']) {
    const n = r.count(get(key), name(key));
    if (n !== null) extra[key] = n;
  }
  putText(extra, 'venue', get('venue'), r);
  const journal = get('journal');
  if (isRecord(journal)) putText(extra, 'journal', journal.name, r);
  const types = r.names(get('publicationTypes'), name('publicationTypes'));
  if (types !== null) extra.publicationTypes = types;
  // Graph: openAccessPdf{url, status}; bulk `abstracts` dataset: openaccessinfo{url, license, status}.
  const openAccess = bulk ? value.openaccessinfo : value.openAccessPdf;
  if (isRecord(openAccess)) {
    const pdf = r.url(openAccess.url, bulk ? 'openaccessinfo.url' : 'openAccessPdf.url');
    if (pdf !== null) extra.openAccessPdf = pdf;
  }
  const tldr = value.tldr;
  if (isRecord(tldr)) putText(extra, 'tldr', tldr.text, r);
  // The other ids (MAG, PubMed, DBLP, ACL…) let a paper be matched across sources later.
  const others = Object.entries(ids).filter(([key, id]) => key !== 'DOI' && key !== 'ArXiv' && key !== 'CorpusId' && id !== null);
  if (others.length > 0) extra.externalIds = Object.fromEntries(others);

  return built(fields, r, value);
}

/** Distinct `s2FieldsOfStudy[].category`, else `fieldsOfStudy` (see the top of the file). */
function categories(s2Fields: unknown, fields: unknown, bulk: boolean, r: FieldReader): string[] | null {
  if (Array.isArray(s2Fields)) {
    const seen = new Set<string>();
    for (const entry of s2Fields) {
      if (isRecord(entry) && typeof entry.category === 'string' && entry.category.trim() !== '') seen.add(normalizeSpace(entry.category));
    }
    if (seen.size > 0) return [...seen];
  } else if (s2Fields !== undefined && s2Fields !== null) {
    r.warn(bulk ? 's2fieldsofstudy' : 's2FieldsOfStudy', `must be a list of {category, source}, ${got(s2Fields)}; dropped`);
  }
  return r.names(fields, bulk ? 'fieldsofstudy' : 'fieldsOfStudy');
}

/** Say why a Semantic Scholar record has no title/abstract when the reason is known. */
function explainMissing(value: Record<string, unknown>, bulk: boolean, problems: FieldProblem[]): void {
  const abstract = problems.find((p) => p.field === 'abstract');
  const title = problems.find((p) => p.field === 'title');
  const absent = (key: string) => value[key] === undefined || value[key] === null;
  if (bulk && abstract !== undefined && !('abstract' in value) && !('paperAbstract' in value)) {
    abstract.reason =
      "is required; Semantic Scholar's bulk `papers` dataset has no abstracts — ingest the `abstracts` dataset " +
      'joined to it on corpusid (one JSON object per paper with the keys of both)';
  } else if (bulk && title !== undefined && absent('title') && 'abstract' in value) {
    title.reason =
      "is required; Semantic Scholar's bulk `abstracts` dataset has only corpusid and the abstract — " +
      'join it to the `papers` dataset on corpusid (one JSON object per paper with the keys of both) and ingest that';
  } else if (!bulk && abstract !== undefined && !('abstract' in value) && !('paperAbstract' in value) && abstract.reason.startsWith('is required (read')) {
    // No hint found elsewhere: the response was requested without the field.
    abstract.reason = 'is required; this Semantic Scholar response has no `abstract` field — request it with `fields=title,abstract,…`';
  } else if (!bulk && abstract !== undefined && value.abstract === null) {
    abstract.reason = 'is required; Semantic Scholar gives no abstract for this paper (null: it withholds some abstracts for licensing reasons)';
  }
}
