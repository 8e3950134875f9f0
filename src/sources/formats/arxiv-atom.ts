// arXiv export API responses (`/api/query`, Atom XML), read as a stream: one SourceEntry per
// `<entry>` as soon as it closes. Also home of `arxivEntry`, the validation both arXiv XML readers
// share (this one and the OAI-PMH reader), so the two give the same record for the same paper.

import { arxivId, arxivUrl } from '../arxiv-id.ts';
import { buildRecord } from '../build-record.ts';
import { FieldReader, got, normalizeSpace, requiredText } from '../fields.ts';
import { decodeLatex } from '../latex.ts';
import type { FieldProblem, SourceEntry } from '../record.ts';
import { captureXml, childNamed, childrenNamed, childText, oversizedEntry, wholeNumber, type XmlElement } from './xml-stream.ts';

export const ATOM_NS = 'http://www.w3.org/2005/Atom';
export const ARXIV_ATOM_NS = 'http://arxiv.org/schemas/atom';
export const OPENSEARCH_NS = 'http://a9.com/-/spec/opensearch/1.1/';

/** What either arXiv XML format says about one paper, as raw text, before any validation. */
export interface ArxivFields {
  /** Any form `arxivId()` reads: `1507.07790`, `http://arxiv.org/abs/1507.07790v2`. */
  id: string | undefined;
  title: string | undefined;
  abstract: string | undefined;
  authors: string[];
  published: string | undefined;
  updated: string | undefined;
  /** Primary category first; duplicates and blanks are dropped later. */
  categories: (string | undefined)[];
  /** arXiv's doi field; it may hold several DOIs separated by spaces. */
  doi: string | undefined;
  /** Kept as given when present; undefined and blank values are dropped. */
  extra: Record<string, unknown>;
}

/** Blank strings and empty lists are noise in `extra`; text has its whitespace collapsed. */
function compactExtra(extra: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(extra)) {
    const clean = typeof value === 'string' ? normalizeSpace(value) : value;
    if (clean === undefined || clean === null || clean === '' || (Array.isArray(clean) && clean.length === 0)) continue;
    kept[key] = clean;
  }
  return kept;
}

function uniqueNonBlank(values: (string | undefined)[]): string[] | null {
  const unique = [...new Set(values.map((value) => normalizeSpace(value ?? '')).filter((value) => value !== ''))];
  return unique.length > 0 ? unique : null;
}

/**
 * The entry for one arXiv record: skipped only without a usable title or abstract; an unreadable
 * optional field is dropped with a warning. The id is the canonical arXiv id without version, so
 * the same paper from the API, OAI-PMH and the other sources is one paper in the index.
 */
export function arxivEntry(line: number, fields: ArxivFields): SourceEntry {
  const problems: FieldProblem[] = [];
  const title = requiredText(fields.title, 'title', problems);
  const abstract = requiredText(fields.abstract, 'abstract', problems);
  if (title === null || abstract === null) return { ok: false, line, problems, raw: fields };

  const read = new FieldReader();
  const id = arxivId(fields.id) ?? read.warn('id', `must be an arXiv id, ${got(fields.id)}; the title slug is used instead`);
  // Papers with an erratum list every DOI ("10.1103/a 10.1103/b"); the first is the paper's own.
  const dois =
    fields.doi
      ?.trim()
      .split(/\s+/)
      .filter((doi) => doi !== '') ?? [];
  const built = buildRecord({
    id,
    title,
    abstract,
    authors: fields.authors.length > 0 ? read.names(fields.authors, 'authors') : null,
    published: read.date(fields.published, 'published'),
    updated: read.date(fields.updated, 'updated'),
    categories: uniqueNonBlank(fields.categories),
    doi: read.doi(dois[0], 'doi'),
    url: id === null ? null : arxivUrl(id),
    extra: compactExtra({ ...fields.extra, dois: dois.length > 1 ? dois : undefined }),
  });
  if (!built.ok) return { ok: false, line, problems: [{ field: built.field, reason: built.reason }], raw: fields };
  return { ok: true, line, record: built.record, warnings: [...read.warnings, ...built.warnings] };
}

/** The feed-level OpenSearch numbers of an API response, for paging; null when absent. */
export interface AtomFeedInfo {
  totalResults: number | null;
  startIndex: number | null;
  itemsPerPage: number | null;
}

export interface ArxivAtomOptions {
  /** Called once, before the first entry is yielded (or at the end when there is none). */
  onFeedInfo?: (info: AtomFeedInfo) => void;
}

function atomFields(entry: XmlElement): ArxivFields {
  const text = (local: string) => childText(entry, ATOM_NS, local);
  const arxiv = (local: string) => childText(entry, ARXIV_ATOM_NS, local);
  const id = text('id');
  const primary = childNamed(entry, ARXIV_ATOM_NS, 'primary_category')?.attributes.term;
  return {
    id,
    title: text('title'),
    abstract: text('summary'),
    // The 2025 API writes names in Unicode; older responses kept arXiv's TeX accents (`Bal\'azs`).
    authors: childrenNamed(entry, ATOM_NS, 'author').map((author) => decodeLatex(childText(author, ATOM_NS, 'name') ?? '')),
    published: text('published'),
    updated: text('updated'),
    categories: [primary, ...childrenNamed(entry, ATOM_NS, 'category').map((category) => category.attributes.term)],
    doi: arxiv('doi'),
    extra: {
      primary_category: primary,
      // The entry id is the abs URL of the version the API served (`…/abs/1309.4668v2`).
      version: id === undefined ? undefined : /(v\d+)\s*$/.exec(id)?.[1],
      comments: arxiv('comment'),
      journal_ref: arxiv('journal_ref'),
    },
  };
}

/** The API reports a bad query as a feed whose one entry has an `…/api/errors#…` id. */
function throwIfApiError(entry: XmlElement): void {
  if (!childText(entry, ATOM_NS, 'id')?.includes('/api/errors')) return;
  const summary = normalizeSpace(childText(entry, ATOM_NS, 'summary') ?? '') || 'no details given';
  throw new Error(`arXiv API error (entry at line ${entry.line}): ${summary}`);
}

/** Collects the OpenSearch numbers and hands them over once, when the caller can act on them. */
class FeedInfo {
  private readonly info: AtomFeedInfo = { totalResults: null, startIndex: null, itemsPerPage: null };
  private reported = false;

  constructor(private readonly onFeedInfo: ArxivAtomOptions['onFeedInfo']) {}

  add(element: XmlElement): void {
    if (Object.hasOwn(this.info, element.local)) this.info[element.local as keyof AtomFeedInfo] = wholeNumber(element.text);
  }

  report(): void {
    if (this.reported) return;
    this.reported = true;
    this.onFeedInfo?.({ ...this.info });
  }
}

/** Reads an arXiv API Atom response; throws on malformed XML and on an API error response. */
export async function* readArxivAtom(chunks: AsyncIterable<string>, options: ArxivAtomOptions = {}): AsyncGenerator<SourceEntry> {
  const feedInfo = new FeedInfo(options.onFeedInfo);
  const elements = captureXml(chunks, {
    root: { uri: ATOM_NS, local: 'feed', format: 'an arXiv API Atom response' },
    capture: (uri, local) => (uri === ATOM_NS && local === 'entry') || uri === OPENSEARCH_NS,
  });
  for await (const element of elements) {
    if (element.uri === OPENSEARCH_NS) {
      feedInfo.add(element);
      continue;
    }
    feedInfo.report();
    if (element.oversized) {
      yield oversizedEntry(element.line);
      continue;
    }
    throwIfApiError(element);
    yield arxivEntry(element.line, atomFields(element));
  }
  feedInfo.report();
}
