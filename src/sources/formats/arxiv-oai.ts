// arXiv OAI-PMH `ListRecords` responses (metadataPrefix `arXiv` or `arXivRaw`), read as a stream:
// one SourceEntry per `<record>` as soon as it closes. Deleted records, the paging token and
// OAI-PMH errors are reported through callbacks/exceptions rather than as entries.

import { arxivId } from '../arxiv-id.ts';
import { normalizeSpace } from '../fields.ts';
import { decodeLatex } from '../latex.ts';
import type { SourceEntry } from '../record.ts';
import { arxivEntry, type ArxivFields } from './arxiv-atom.ts';
import { splitAuthors } from './arxiv-authors.ts';
import { captureXml, childNamed, childrenNamed, childText, oversizedEntry, wholeNumber, type XmlElement } from './xml-stream.ts';

export const OAI_NS = 'http://www.openarchives.org/OAI/2.0/';
export const ARXIV_OAI_NS = 'http://arxiv.org/OAI/arXiv/';
export const ARXIV_RAW_NS = 'http://arxiv.org/OAI/arXivRaw/';

/**
 * The `<resumptionToken>` of a response. A harvest asks for the next page with `token` until a
 * response carries an empty one (`token: null`): that page was the last.
 */
export interface ResumptionToken {
  token: string | null;
  cursor: number | null;
  completeListSize: number | null;
  expirationDate: string | null;
}

export interface ArxivOaiOptions {
  onResumptionToken?: (token: ResumptionToken) => void;
  /** A record withdrawn from the repository (header `status="deleted"`, no metadata): drop it from the index. */
  onDeleted?: (id: string) => void;
}

function resumptionToken(element: XmlElement): ResumptionToken {
  const token = element.text.trim();
  return {
    token: token === '' ? null : token,
    cursor: wholeNumber(element.attributes.cursor),
    completeListSize: wholeNumber(element.attributes.completeListSize),
    expirationDate: element.attributes.expirationDate ?? null,
  };
}

/** `noRecordsMatch` is how OAI-PMH says "an empty list"; every other error code is a failed request. */
function throwIfOaiError(element: XmlElement): void {
  const code = element.attributes.code ?? '(no code)';
  if (code === 'noRecordsMatch') return;
  const message = normalizeSpace(element.text);
  throw new Error(`OAI-PMH error ${code} (line ${element.line})${message === '' ? '' : `: ${message}`}`);
}

/** `oai:arXiv.org:1507.07790` → `1507.07790`; an identifier of another shape is kept as is. */
function headerId(identifier: string | undefined): string | undefined {
  if (identifier === undefined) return undefined;
  const local = identifier.trim().replace(/^oai:[^:]+:/i, '');
  return arxivId(local) ?? identifier.trim();
}

type Text = (local: string) => string | undefined;

/** The fields arXiv and arXivRaw metadata spell alike. */
function commonFields(text: Text): Omit<ArxivFields, 'authors' | 'published' | 'updated'> {
  const categories = text('categories')?.trim().split(/\s+/) ?? [];
  return {
    id: text('id'),
    title: text('title'),
    abstract: text('abstract'),
    categories,
    doi: text('doi'),
    extra: {
      // arXiv lists the primary category first.
      primary_category: categories[0],
      comments: text('comments'),
      journal_ref: text('journal-ref'),
      report_no: text('report-no'),
      msc_class: text('msc-class'),
      acm_class: text('acm-class'),
      license: text('license'),
    },
  };
}

/** metadataPrefix=arXiv: authors are structured, dates are ISO, versions are not listed. */
function arxivFormatFields(metadata: XmlElement): ArxivFields {
  const text: Text = (local) => childText(metadata, ARXIV_OAI_NS, local);
  const authorList = childNamed(metadata, ARXIV_OAI_NS, 'authors');
  // Names are kept as submitted, TeX accents included (`Bal\'azs`).
  const authors = childrenNamed(authorList, ARXIV_OAI_NS, 'author').map((author) => {
    const parts = ['forenames', 'keyname', 'suffix'].map((part) => childText(author, ARXIV_OAI_NS, part) ?? '');
    return normalizeSpace(decodeLatex(parts.join(' ')));
  });
  return { ...commonFields(text), authors, published: text('created'), updated: text('updated') };
}

/** metadataPrefix=arXivRaw: authors as one string, every version with its RFC 2822 date. */
function arxivRawFields(metadata: XmlElement): ArxivFields {
  const text: Text = (local) => childText(metadata, ARXIV_RAW_NS, local);
  // {version, created}, as the arXiv metadata snapshot lists them.
  const versions = childrenNamed(metadata, ARXIV_RAW_NS, 'version').map((version) => ({
    version: version.attributes.version ?? '',
    created: normalizeSpace(childText(version, ARXIV_RAW_NS, 'date') ?? ''),
  }));
  const common = commonFields(text);
  const submitter = text('submitter');
  return {
    ...common,
    // One string as submitted ("A. One (MIT), B. Two and C. Three"), split like the snapshot's.
    authors: splitAuthors(text('authors')) ?? [],
    published: versions[0]?.created,
    updated: versions.at(-1)?.created,
    extra: {
      ...common.extra,
      version: versions.at(-1)?.version,
      versions,
      submitter: submitter === undefined ? undefined : decodeLatex(submitter),
    },
  };
}

function metadataFields(metadata: XmlElement): ArxivFields {
  if (metadata.uri === ARXIV_OAI_NS && metadata.local === 'arXiv') return arxivFormatFields(metadata);
  if (metadata.uri === ARXIV_RAW_NS && metadata.local === 'arXivRaw') return arxivRawFields(metadata);
  // Every record of a response has the same format, so this is the request's fault: say how to fix it.
  throw new Error(
    `unsupported OAI-PMH metadata <${metadata.local} xmlns="${metadata.uri}"> at line ${metadata.line}: ` +
      'harvest with metadataPrefix=arXiv or metadataPrefix=arXivRaw',
  );
}

/** The entry for one `<record>`, or null for a deleted one (reported through `onDeleted`). */
function recordEntry(record: XmlElement, options: ArxivOaiOptions): SourceEntry | null {
  const header = childNamed(record, OAI_NS, 'header');
  const id = headerId(childText(header, OAI_NS, 'identifier'));
  if (header?.attributes.status === 'deleted') {
    if (id !== undefined) options.onDeleted?.(id);
    return null;
  }
  const metadata = childNamed(record, OAI_NS, 'metadata')?.children[0];
  if (metadata === undefined) {
    const reason = 'the record has no <metadata> and is not marked deleted';
    return { ok: false, line: record.line, problems: [{ field: 'metadata', reason }], raw: { id } };
  }
  const fields = metadataFields(metadata);
  fields.id ??= id;
  fields.extra.oai_datestamp = childText(header, OAI_NS, 'datestamp');
  return arxivEntry(record.line, fields);
}

/**
 * Reads an OAI-PMH ListRecords response; throws on malformed XML, on an OAI-PMH error other than
 * `noRecordsMatch` (which is simply no records) and on a metadata format other than arXiv/arXivRaw.
 */
export async function* readArxivOai(chunks: AsyncIterable<string>, options: ArxivOaiOptions = {}): AsyncGenerator<SourceEntry> {
  const elements = captureXml(chunks, {
    root: { uri: OAI_NS, local: 'OAI-PMH', format: 'an OAI-PMH response' },
    capture: (uri, local) => uri === OAI_NS && (local === 'record' || local === 'resumptionToken' || local === 'error'),
  });
  for await (const element of elements) {
    if (element.local === 'resumptionToken') options.onResumptionToken?.(resumptionToken(element));
    else if (element.local === 'error') throwIfOaiError(element);
    else if (element.oversized) yield oversizedEntry(element.line);
    else {
      const entry = recordEntry(element, options);
      if (entry !== null) yield entry;
    }
  }
}
