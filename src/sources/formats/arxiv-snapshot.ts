// The arXiv metadata snapshot (Kaggle "Cornell-University/arxiv", one JSON object per line):
// {id, submitter, authors, title, comments, journal-ref, doi, report-no, categories, license,
//  abstract, versions[{version, created}], update_date, authors_parsed[[last, first, suffix]]}.
// This mapper runs for every one of arXiv's ~2.7M papers, so it uses plain checks (no zod) and
// touches each field once.
//
// The bottom of this file also holds the small helpers the other JSON format mappers share
// (hf-api, semantic-scholar, openalex); they only need ../fields.ts and could move there.

import { arxivId, arxivUrl } from '../arxiv-id.ts';
import type { RecordFields } from '../build-record.ts';
import { FieldReader, got, isRecord, normalizeSpace, parseDoi } from '../fields.ts';
import { decodeLatex } from '../latex.ts';
import type { FieldProblem, MappedRecord } from '../record.ts';
import { splitAuthors } from './arxiv-authors.ts';
import { built, notAnObject, putText, requiredTextHinted } from './mapping.ts';

/** A snapshot line: an arXiv `id` plus a key only this dump has (`authors_parsed`, `update_date`). */
export function looksLikeArxivSnapshot(value: unknown): boolean {
  return isRecord(value) && typeof value.id === 'string' && ('authors_parsed' in value || 'update_date' in value);
}

// Where the snapshot's text lives, and other names it is found under in look-alike dumps.
const ABSTRACT_ELSEWHERE = ['summary', 'paperAbstract', 'description', 'abstract_text', 'abstractText'];
const TITLE_ELSEWHERE = ['paper_title', 'display_name', 'name'];

export function mapArxivSnapshot(value: unknown): MappedRecord {
  if (!isRecord(value)) return notAnObject(value, 'an arXiv snapshot line');
  const problems: FieldProblem[] = [];
  const title = requiredTextHinted(value, value.title, 'title', ['title'], TITLE_ELSEWHERE, problems);
  const abstract = requiredTextHinted(value, value.abstract, 'abstract', ['abstract'], ABSTRACT_ELSEWHERE, problems);
  if (title === null || abstract === null) return { ok: false, problems, raw: value };

  const r = new FieldReader();
  const rawId = r.text(value.id, 'id');
  // Old ids (`hep-ph/0307015`) are canonical as they are; arxivId() also drops a stray version.
  const id = rawId === null ? null : (arxivId(rawId) ?? rawId);

  const fields: RecordFields = {
    id,
    title,
    abstract,
    authors: snapshotAuthors(value, r),
    published: firstVersionDate(value.versions, r),
    updated: r.date(value.update_date, 'update_date'),
    categories: spaceSeparated(value.categories, 'categories', r),
    url: id === null ? null : arxivUrl(id),
    extra: {},
  };

  // `doi` may list several DOIs separated by spaces (journal version, erratum…): the first is the paper's.
  const doiText = r.text(value.doi, 'doi');
  if (doiText !== null) {
    const dois = doiText.split(' ');
    fields.doi = parseDoi(dois[0]) ?? r.warn('doi', `must be a DOI like 10.1234/abc, ${got(doiText)}; dropped`);
    if (fields.doi !== null && dois.length > 1) fields.extra!.dois = dois;
  }

  const extra = fields.extra!;
  putText(extra, 'journal_ref', value['journal-ref'], r);
  putText(extra, 'comments', value.comments, r);
  putText(extra, 'report_no', value['report-no'], r);
  putText(extra, 'license', value.license, r);
  const submitter = r.text(value.submitter, 'submitter');
  if (submitter !== null) extra.submitter = decodeLatex(submitter);
  if (Array.isArray(value.versions) && value.versions.length > 0) extra.versions = value.versions.length;

  return built(fields, r, value);
}

/** `authors_parsed` ([last, first, suffix] → "First Last Suffix") when usable, else the `authors` string. */
function snapshotAuthors(value: Record<string, unknown>, r: FieldReader): string[] | null {
  const parsed = value.authors_parsed;
  if (Array.isArray(parsed) && parsed.length > 0) {
    const names: string[] = [];
    for (const entry of parsed) {
      const name = Array.isArray(entry) ? parsedName(entry) : '';
      if (name !== '') names.push(name);
    }
    if (names.length === parsed.length) return names;
    // A malformed entry: the authors string is written by hand and complete, so prefer it.
    const fromString = splitAuthors(value.authors);
    if (fromString !== null) return fromString;
    r.warn('authors_parsed', `${parsed.length - names.length} of ${parsed.length} entries are not [last, first, suffix]; dropped those`);
    return names.length > 0 ? names : null;
  }
  if (parsed !== undefined && parsed !== null && !Array.isArray(parsed)) {
    r.warn('authors_parsed', `must be a list of [last, first, suffix], ${got(parsed)}; used authors instead`);
  }
  if (value.authors !== undefined && value.authors !== null && typeof value.authors !== 'string') {
    return r.warn('authors', `must be text, ${got(value.authors)}; dropped`);
  }
  return splitAuthors(value.authors);
}

// arXiv's parser puts a space after every initial, turning "C.-P." into "C. -P.".
const SPACED_HYPHEN_INITIAL = /\. -(?=\p{Lu})/gu;

function parsedName(entry: unknown[]): string {
  // Some lines carry an affiliation as a 4th element; only the name parts are used.
  const [last, first, suffix] = entry;
  let name = '';
  for (const part of [first, last, suffix]) {
    if (typeof part === 'string' && part !== '') name = name === '' ? part : `${name} ${part}`;
  }
  if (name === '') return '';
  return normalizeSpace(decodeLatex(name)).replace(SPACED_HYPHEN_INITIAL, '.-');
}

/** `versions[0].created` ("Mon, 2 Apr 2007 19:18:42 GMT"): the first submission. */
function firstVersionDate(versions: unknown, r: FieldReader): string | null {
  if (versions === undefined || versions === null) return null;
  if (!Array.isArray(versions)) return r.warn('versions', `must be a list of {version, created}, ${got(versions)}; no published date`);
  const first: unknown = versions[0];
  if (first === undefined) return null;
  if (!isRecord(first)) return r.warn('versions.0', `must be {version, created}, ${got(first)}; no published date`);
  return r.date(first.created, 'versions.0.created');
}

function spaceSeparated(value: unknown, field: string, r: FieldReader): string[] | null {
  const text = r.text(value, field);
  return text === null ? null : text.split(' ');
}
