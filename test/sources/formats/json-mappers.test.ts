// The JSON record mappers (arXiv snapshot, Hugging Face API, Semantic Scholar, OpenAlex) on the
// real samples in ../shared/formats, used as they are, plus the edge cases each format has.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitAuthors } from '../../../src/sources/formats/arxiv-authors.ts';
import { looksLikeArxivSnapshot, mapArxivSnapshot } from '../../../src/sources/formats/arxiv-snapshot.ts';
import { looksLikeHfApi, mapHfApi } from '../../../src/sources/formats/hf-api.ts';
import { invertedAbstract, looksLikeOpenAlex, mapOpenAlex } from '../../../src/sources/formats/openalex.ts';
import { looksLikeSemanticScholar, mapSemanticScholar } from '../../../src/sources/formats/semantic-scholar.ts';
import type { FieldProblem, MappedRecord, PaperRecord } from '../../../src/sources/record.ts';
import { formatSample } from '../../support/shared.ts';

type Json = Record<string, unknown>;

const sampleText = (relative: string) => readFileSync(formatSample(relative), 'utf8');
// The Kaggle file is JSON Lines under a .json name.
const arxivLines = sampleText('arxiv-kaggle/arxiv-metadata-oai-snapshot.json')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Json);
const hfItems = JSON.parse(sampleText('hf-daily-papers/hf_daily_papers.json')) as Json[];
const s2Items = JSON.parse(sampleText('semantic-scholar/paper-batch.json')) as (Json | null)[];
const openAlexWork = JSON.parse(sampleText('openalex/W2741809807.json')) as Json;

const clone = <T>(value: T): T => structuredClone(value);

/** The record, asserting it was mapped; `warnings` (default none) must match. */
function record(result: MappedRecord, warnings: FieldProblem[] = []): PaperRecord {
  if (!result.ok) throw new Error(`expected a record, got ${JSON.stringify(result.problems)}`);
  expect(result.warnings).toEqual(warnings);
  return result.record;
}

function problems(result: MappedRecord): FieldProblem[] {
  if (result.ok) throw new Error(`expected the record to be skipped, got ${JSON.stringify(result.record)}`);
  return result.problems;
}

function counts(results: MappedRecord[]) {
  return {
    ok: results.filter((r) => r.ok).length,
    skipped: results.filter((r) => !r.ok).length,
    warned: results.filter((r) => r.ok && r.warnings.length > 0).length,
  };
}

const byId = (id: string): Json => {
  const line = arxivLines.find((value) => value.id === id);
  if (line === undefined) throw new Error(`no line with id ${id} in the sample`);
  return line;
};

describe('arXiv metadata snapshot (Kaggle)', () => {
  it('maps all 100 sample lines, with no warnings', () => {
    expect(arxivLines).toHaveLength(100);
    expect(counts(arxivLines.map(mapArxivSnapshot))).toEqual({ ok: 100, skipped: 0, warned: 0 });
  });

  it('maps the first line field by field', () => {
    const paper = record(mapArxivSnapshot(byId('0704.0001')));
    expect(paper).toEqual({
      id: '0704.0001',
      title: 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
      abstract: expect.stringMatching(
        /^A fully differential calculation in perturbative quantum chromodynamics is presented for .* judicious selection of events\.$/,
      ),
      // authors_parsed: "Balázs" decoded by arXiv, and "C. -P." put back together.
      authors: ['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C.-P. Yuan'],
      authors_count: 4,
      published: '2007-04-02', // versions[0].created, "Mon, 2 Apr 2007 19:18:42 GMT"
      updated: '2008-11-26',
      categories: ['hep-ph'],
      doi: '10.1103/PhysRevD.76.013009',
      upvotes: null,
      url: 'https://arxiv.org/abs/0704.0001',
      github_url: null,
      project_url: null,
      extra: {
        journal_ref: 'Phys.Rev.D76:013009,2007',
        comments: '37 pages, 15 figures; published version',
        report_no: 'ANL-HEP-PR-07-12',
        submitter: 'Pavel Nadolsky',
        versions: 2,
      },
    });
    // Hard wraps collapsed: no newline or double space is left.
    expect(paper.abstract).not.toMatch(/\n| {2}/);
  });

  it('maps a line with several categories, a license and no DOI', () => {
    expect(record(mapArxivSnapshot(byId('0704.0002')))).toMatchObject({
      id: '0704.0002',
      title: 'Sparsity-certifying Graph Decompositions',
      authors: ['Ileana Streinu', 'Louis Theran'],
      published: '2007-03-31',
      updated: '2008-12-13',
      categories: ['math.CO', 'cs.CG'],
      doi: null,
      url: 'https://arxiv.org/abs/0704.0002',
      extra: {
        comments: 'To appear in Graphs and Combinatorics',
        license: 'http://arxiv.org/licenses/nonexclusive-distrib/1.0/',
        submitter: 'Louis Theran',
        versions: 2,
      },
    });
  });

  it('keeps the first of several DOIs, and all of them in extra', () => {
    const paper = record(mapArxivSnapshot(byId('0704.0033')));
    expect(paper.doi).toBe('10.1364/JOSAA.23.002578');
    expect(paper.extra.dois).toEqual(['10.1364/JOSAA.23.002578', '10.1364/JOSAA.32.002407']);
    expect(paper.categories).toEqual(['physics.optics', 'physics.comp-ph']);
  });

  it('decodes accented names and keeps name suffixes', () => {
    const authors = (id: string) => record(mapArxivSnapshot(byId(id))).authors;
    expect(authors('0704.0062')).toEqual(['Rastislav Šrámek', 'Broňa Brejová', 'Tomáš Vinař']);
    expect(authors('0704.0049')).toEqual(['Mikkel Øbro']);
    expect(authors('0704.0032')).toEqual(['A. Esteban-Pretel', 'R. Tomàs', 'J. W. F. Valle']);
    expect(authors('0704.0009')).toContain('Neal J. Evans II');
    // The submitter is a name too: `Tom\'a\v{s} Vina\v{r}` in the file.
    expect(record(mapArxivSnapshot(byId('0704.0062'))).extra.submitter).toBe('Tomáš Vinař');
  });

  it('falls back to the authors string, decoding LaTeX and dropping affiliations and et al', () => {
    const line = { ...byId('0704.0001'), authors_parsed: undefined };
    expect(record(mapArxivSnapshot(line)).authors).toEqual(['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C.-P. Yuan']);
    expect(splitAuthors('A. Smith (1), B. Jones (2) and C. Lee ((1) MIT, (2) CERN)')).toEqual(['A. Smith', 'B. Jones', 'C. Lee']);
    expect(splitAuthors('John Smith, Jr., Nicholas\n  Chapman, et al')).toEqual(['John Smith Jr.', 'Nicholas Chapman']);
    expect(splitAuthors(String.raw`Tom\'as, {\O}bro`)).toEqual(['Tomás', 'Øbro']);
  });

  it('keeps old-style ids as they are', () => {
    const paper = record(mapArxivSnapshot({ ...byId('0704.0002'), id: 'hep-ph/0307015' }));
    expect(paper.id).toBe('hep-ph/0307015');
    expect(paper.url).toBe('https://arxiv.org/abs/hep-ph/0307015');
  });

  it('drops unreadable optional fields with a warning and keeps the record', () => {
    const line = { ...byId('0704.0002'), update_date: 'last week', versions: 'v1', doi: 'not a doi', authors_parsed: 'Streinu' };
    const paper = record(mapArxivSnapshot(line), [
      { field: 'authors_parsed', reason: 'must be a list of [last, first, suffix], got "Streinu"; used authors instead' },
      { field: 'versions', reason: 'must be a list of {version, created}, got "v1"; no published date' },
      { field: 'update_date', reason: 'must be a date like 2024-11-25, got "last week"; dropped' },
      { field: 'doi', reason: 'must be a DOI like 10.1234/abc, got "not a doi"; dropped' },
    ]);
    expect(paper).toMatchObject({ id: '0704.0002', authors: ['Ileana Streinu', 'Louis Theran'], published: null, updated: null, doi: null });
  });

  it('skips a line without abstract, naming where the text is instead', () => {
    const { abstract, ...rest } = byId('0704.0002');
    expect(problems(mapArxivSnapshot({ ...rest, summary: abstract }))).toEqual([
      {
        field: 'abstract',
        reason:
          'is required (read from `abstract`); the record has text under `summary` — is this a different layout? ' +
          'Convert it, or read it as generic JSON with a field map',
      },
    ]);
    expect(problems(mapArxivSnapshot({ ...rest, abstract: ' \n ' }))).toEqual([{ field: 'abstract', reason: 'must not be empty' }]);
    expect(problems(mapArxivSnapshot({ ...rest, abstract: 42 }))).toEqual([{ field: 'abstract', reason: 'must be text, got number 42' }]);
    expect(problems(mapArxivSnapshot('0704.0002'))).toEqual([{ field: '(record)', reason: 'an arXiv snapshot line must be a JSON object, got "0704.0002"' }]);
  });
});

describe('Hugging Face papers API', () => {
  it('maps the 3 daily papers of the sample, with no warnings', () => {
    expect(counts(hfItems.map(mapHfApi))).toEqual({ ok: 3, skipped: 0, warned: 0 });
  });

  it('maps a daily item from its paper object', () => {
    const paper = record(mapHfApi(hfItems[0]));
    expect(paper).toMatchObject({
      id: '2607.26654',
      title: 'Constitutional Midtraining: Content Presence Drives Alignment Gains',
      abstract: expect.stringMatching(/^Post-training alignment is often shallow, .* Code, data, and models are available\.$/),
      authors: ['Desiree Cho', 'Cameron Tice', 'Bernie Hogan', 'Hunar Batra', 'Puria Radmard', 'Jun Zhao', 'Nigel Shadbolt'],
      authors_count: 7,
      // paper.publishedAt (2026-07-29T00:00Z), not the item's daily-list time (2026-07-28T20:00Z).
      published: '2026-07-29',
      updated: null,
      categories: null,
      doi: null,
      upvotes: 3,
      url: 'https://arxiv.org/abs/2607.26654',
      github_url: 'https://github.com/desBugger/constitutional-mt',
      project_url: 'https://www.lesswrong.com/posts/n5htoDGvKKJFAjji2',
    });
    expect(paper.extra).toEqual({ githubStars: 2, numComments: 1, submittedOnDailyAt: '2026-08-03', organization: 'University of Oxford' });
  });

  it('maps an item without code or project links', () => {
    const paper = record(mapHfApi(hfItems[2]));
    expect(paper).toMatchObject({
      id: '2607.27851',
      title: 'Beyond Feeling Better: Capability-Sustaining Emotional Dialogue as a Longitudinal Research Paradigm',
      authors: ['Ming Wang', 'Jiaqi Wu Young', 'Wenfang Wu', 'Daling Wang', 'Shi Feng'],
      published: '2026-07-30',
      upvotes: 2,
      url: 'https://arxiv.org/abs/2607.27851',
      github_url: null,
      project_url: null,
    });
    expect(paper.extra).not.toHaveProperty('githubStars');
  });

  it('maps the bare paper object of /api/papers/<id>, with its AI summary and keywords', () => {
    const item = clone(hfItems[1]!);
    const single = { ...(item.paper as Json), ai_summary: 'A knowledge layer for agents.', ai_keywords: ['AI agents', 'EMBL'], numComments: 4 };
    expect(looksLikeHfApi(single)).toBe(true);
    const paper = record(mapHfApi(single));
    expect(paper).toMatchObject({
      id: '2607.28229',
      title: 'EMBL AI Librarian: Life-Sciences Knowledge Layer for AI Agents',
      authors: expect.arrayContaining(['Luigi Sigillo', 'Fabio Petroni']),
      published: '2026-07-30',
      upvotes: 4,
      github_url: 'https://github.com/petroni-lab/librarian',
    });
    expect(paper.extra).toMatchObject({ ai_summary: 'A knowledge layer for agents.', ai_keywords: ['AI agents', 'EMBL'], numComments: 4, githubStars: 8 });
  });

  it('falls back to the item top level for what the paper object lacks (search results)', () => {
    const item = clone(hfItems[0]!);
    const paper = item.paper as Json;
    delete paper.summary;
    paper.title = '';
    const mapped = record(mapHfApi(item));
    expect(mapped.title).toBe('Constitutional Midtraining: Content Presence Drives Alignment Gains');
    expect(mapped.abstract).toMatch(/^Post-training alignment/);
  });

  it('keeps hidden authors and ids that are not arXiv ids', () => {
    const mapped = record(mapHfApi({ id: 'hf-123', title: 'T', summary: 'S', upvotes: 0, authors: [{ name: 'A', hidden: true }, { name: 'B' }] }));
    expect(mapped).toMatchObject({ id: 'hf-123', url: 'https://huggingface.co/papers/hf-123', authors: ['A', 'B'], upvotes: 0 });
  });

  it('drops unreadable optional fields with a warning and keeps the record', () => {
    const item = clone(hfItems[0]!);
    Object.assign(item.paper as Json, { upvotes: 'many', githubRepo: 'desBugger/constitutional-mt', authors: [{ name: 'Ann' }, { _id: 'x' }] });
    const mapped = record(mapHfApi(item), [
      { field: 'paper.authors', reason: '1 of 2 entries have no name; dropped those' },
      { field: 'paper.upvotes', reason: 'must be a whole number ≥ 0, got "many"; dropped' },
      { field: 'paper.githubRepo', reason: 'must be an http(s) URL, got "desBugger/constitutional-mt"; dropped' },
    ]);
    expect(mapped).toMatchObject({ authors: ['Ann'], upvotes: null });
    // The abstract of this paper has no GitHub link to fall back on.
    expect(mapped.github_url).toBeNull();
  });

  it('names the text found under an unexpected wrapper', () => {
    expect(problems(mapHfApi({ data: { id: '2607.26654', title: 'T', summary: 'S' } }))).toEqual([
      {
        field: 'title',
        reason:
          'is required (read from `title`); the record has text under `data.title` — is this a different layout? ' +
          'Convert it, or read it as generic JSON with a field map',
      },
      {
        field: 'abstract',
        reason:
          'is required (read from `summary`); the record has text under `data.summary` — is this a different layout? ' +
          'Convert it, or read it as generic JSON with a field map',
      },
    ]);
    const { summary: _top, ...item } = clone(hfItems[0]!);
    delete (item.paper as Json).summary;
    expect(problems(mapHfApi(item))).toEqual([{ field: 'abstract', reason: 'is required (read from `paper.summary` or `summary`)' }]);
  });
});

describe('Semantic Scholar', () => {
  it('maps the 3 papers of the batch sample and skips its null', () => {
    const results = s2Items.map(mapSemanticScholar);
    expect(counts(results)).toEqual({ ok: 3, skipped: 1, warned: 0 });
    expect(problems(results[0]!)).toEqual([
      { field: '(record)', reason: 'a Semantic Scholar paper must be a JSON object, got null (an API returns null for an id it does not know)' },
    ]);
  });

  it('maps a Graph API paper field by field', () => {
    const paper = record(mapSemanticScholar(s2Items[1]));
    expect(paper).toEqual({
      id: 'c31c87c591a25c64fbaa82e8ac6a81831b6ac7ce',
      title: 'How Much Should We Trust Differences-in-Differences Estimates?',
      abstract: expect.stringMatching(/^Most Difference-in-Difference \(DD\) papers rely on many years .* to form the test distribution\.$/),
      authors: ['Marianne Bertrand', 'E. Duflo', 'S. Mullainathan'],
      authors_count: 3,
      published: '2001-10-01',
      updated: null,
      // s2FieldsOfStudy categories, each once (Economics is listed by two sources).
      categories: ['Psychology', 'Economics', 'Mathematics'],
      doi: '10.2139/ssrn.288970',
      upvotes: null,
      url: 'https://www.semanticscholar.org/paper/c31c87c591a25c64fbaa82e8ac6a81831b6ac7ce',
      github_url: null,
      project_url: null,
      extra: {
        corpusId: 470667,
        citationCount: 10670,
        influentialCitationCount: 578,
        referenceCount: 30,
        journal: 'Experimental & Empirical Studies eJournal',
        publicationTypes: ['Review'],
        openAccessPdf: 'http://papers.nber.org/papers/w8841.pdf',
        externalIds: { MAG: '2096684396' },
      },
    });
  });

  it('uses the year when there is no publication date, and s2FieldsOfStudy when fieldsOfStudy is null', () => {
    expect(record(mapSemanticScholar(s2Items[3]))).toMatchObject({
      id: '0f40b1f08821e22e859c6050916cec3667778613',
      title: 'Improving Third-Party Audits and Regulatory Compliance in India',
      authors: ['E. Duflo', 'M. Greenstone', 'Nick Ryan'],
      published: '2023-01-01',
      categories: ['Environmental Science', 'Business', 'Economics'],
      doi: '10.1257/rct.1355',
      extra: { corpusId: 255313304, citationCount: 0 },
    });
  });

  it('uses the arXiv id when the paper has one', () => {
    const item = clone(s2Items[2]!);
    (item.externalIds as Json).ArXiv = '1304.1234v2';
    const paper = record(mapSemanticScholar(item));
    expect(paper).toMatchObject({ id: '1304.1234', url: 'https://arxiv.org/abs/1304.1234', doi: '10.2139/ssrn.2250500' });
    expect(paper.extra).toMatchObject({ paperId: 'cb1ebd913c3724c599f6b276b14b5c6253da68f3', corpusId: 3142471 });
  });

  it('explains a missing abstract', () => {
    const item = clone(s2Items[1]!);
    expect(problems(mapSemanticScholar({ ...item, abstract: null }))).toEqual([
      {
        field: 'abstract',
        reason: 'is required; Semantic Scholar gives no abstract for this paper (null: it withholds some abstracts for licensing reasons)',
      },
    ]);
    const { abstract: _abstract, ...withoutField } = item;
    expect(problems(mapSemanticScholar(withoutField))).toEqual([
      { field: 'abstract', reason: 'is required; this Semantic Scholar response has no `abstract` field — request it with `fields=title,abstract,…`' },
    ]);
  });

  // Bulk Datasets API records, as documented (no real sample exists): all keys lowercase.
  const bulkPaper: Json = {
    corpusid: 215416146,
    externalids: { ACL: null, DBLP: 'journals/corr/abs-2004-07180', ArXiv: '2004.07180', MAG: '3016019440', CorpusId: '215416146', PubMed: null, DOI: null },
    url: 'https://www.semanticscholar.org/paper/5c5751d45e298cea054f32b392c12c61027d2fe7',
    title: 'SPECTER: Document-level Representation Learning using Citation-informed Transformers',
    authors: [
      { authorId: '2121764', name: 'Arman Cohan' },
      { authorId: '46411828', name: 'Sergey Feldman' },
    ],
    venue: 'Annual Meeting of the Association for Computational Linguistics',
    publicationvenueid: '1e33b3be-b2ab-46e9-96e8-d4eb4bad6e44',
    year: 2020,
    referencecount: 62,
    citationcount: 555,
    influentialcitationcount: 99,
    isopenaccess: true,
    s2fieldsofstudy: [
      { category: 'Computer Science', source: 'external' },
      { category: 'Computer Science', source: 's2-fos-model' },
    ],
    publicationtypes: ['JournalArticle'],
    publicationdate: '2020-04-15',
    journal: { name: 'ArXiv', volume: 'abs/2004.07180' },
  };
  const bulkAbstract: Json = {
    corpusid: 215416146,
    openaccessinfo: { externalids: { ArXiv: '2004.07180' }, license: 'CCBY', url: 'https://arxiv.org/pdf/2004.07180', status: 'GREEN' },
    abstract: 'Representation learning is a critical ingredient for natural language processing systems.',
  };

  it('says that the bulk papers dataset has no abstracts, and the abstracts dataset no titles', () => {
    expect(looksLikeSemanticScholar(bulkPaper)).toBe(true);
    expect(looksLikeSemanticScholar(bulkAbstract)).toBe(true);
    expect(problems(mapSemanticScholar(bulkPaper))).toEqual([
      {
        field: 'abstract',
        reason:
          "is required; Semantic Scholar's bulk `papers` dataset has no abstracts — ingest the `abstracts` dataset " +
          'joined to it on corpusid (one JSON object per paper with the keys of both)',
      },
    ]);
    expect(problems(mapSemanticScholar(bulkAbstract))).toEqual([
      {
        field: 'title',
        reason:
          "is required; Semantic Scholar's bulk `abstracts` dataset has only corpusid and the abstract — " +
          'join it to the `papers` dataset on corpusid (one JSON object per paper with the keys of both) and ingest that',
      },
    ]);
  });

  it('maps a bulk papers record joined with its abstract', () => {
    const paper = record(mapSemanticScholar({ ...bulkPaper, ...bulkAbstract }));
    expect(paper).toMatchObject({
      id: '2004.07180',
      title: 'SPECTER: Document-level Representation Learning using Citation-informed Transformers',
      authors: ['Arman Cohan', 'Sergey Feldman'],
      published: '2020-04-15',
      categories: ['Computer Science'],
      url: 'https://arxiv.org/abs/2004.07180',
    });
    expect(paper.extra).toMatchObject({
      paperId: '5c5751d45e298cea054f32b392c12c61027d2fe7',
      corpusId: 215416146,
      citationCount: 555,
      venue: 'Annual Meeting of the Association for Computational Linguistics',
      openAccessPdf: 'https://arxiv.org/pdf/2004.07180',
      externalIds: { DBLP: 'journals/corr/abs-2004-07180', MAG: '3016019440' },
    });
    // Without an arXiv id: the S2 paper id read from the url.
    const joined = { ...bulkPaper, ...bulkAbstract, externalids: { DOI: '10.18653/v1/2020.acl-main.207' } };
    expect(record(mapSemanticScholar(joined))).toMatchObject({
      id: '5c5751d45e298cea054f32b392c12c61027d2fe7',
      doi: '10.18653/v1/2020.acl-main.207',
      url: 'https://www.semanticscholar.org/paper/5c5751d45e298cea054f32b392c12c61027d2fe7',
    });
  });

  it('drops unreadable optional fields with a warning and keeps the record', () => {
    const item = { ...clone(s2Items[1]!), publicationDate: '01/10/2001', citationCount: -3, s2FieldsOfStudy: 'Economics' };
    const paper = record(mapSemanticScholar(item), [
      { field: 'publicationDate', reason: 'must be a date like 2024-11-25, got "01/10/2001"; dropped' },
      { field: 's2FieldsOfStudy', reason: 'must be a list of {category, source}, got "Economics"; dropped' },
      { field: 'citationCount', reason: 'must be a whole number ≥ 0, got number -3; dropped' },
    ]);
    // The year still dates it; fieldsOfStudy still categorises it.
    expect(paper).toMatchObject({ published: '2001-01-01', categories: ['Psychology', 'Economics', 'Mathematics'] });
    expect(paper.extra).not.toHaveProperty('citationCount');
  });
});

describe('OpenAlex', () => {
  it('maps the sample work, rebuilding the abstract from the inverted index', () => {
    const paper = record(mapOpenAlex(openAlexWork));
    expect(paper).toEqual({
      id: '10.7717/peerj.4375', // no arXiv location: the DOI
      title: 'The state of OA: a large-scale analysis of the prevalence and impact of Open Access articles',
      abstract: expect.stringMatching(
        /^Despite growing interest in Open Access \(OA\) to scholarly literature, there is an unmet need for large-scale, .* as a way to inform OA policy and practice\.$/,
      ),
      authors: [
        'Heather Piwowar',
        'Jason Priem',
        'Vincent Larivière',
        'Juan Pablo Alperín',
        'Lisa Matthias',
        'Bree Norlander',
        'Ashley Farley',
        'Jevin D. West',
        'Stefanie Haustein',
      ],
      authors_count: 9,
      published: '2018-02-13',
      updated: null,
      categories: ['scientometrics and bibliometrics research', 'Academic Publishing and Open Access', 'Research Data Management Practices'],
      doi: '10.7717/peerj.4375',
      upvotes: null,
      url: 'https://doi.org/10.7717/peerj.4375',
      github_url: null,
      project_url: null,
      extra: {
        openalex: 'W2741809807',
        cited_by_count: 962,
        type: 'article',
        language: 'en',
        venue: 'PeerJ',
        oa_url: 'https://peerj.com/articles/4375.pdf',
      },
    });
    // 258 word positions in the index, one word each.
    expect(paper.abstract.split(' ')).toHaveLength(258);
    expect(paper.abstract).toContain('(1) all journal articles assigned a Crossref DOI, (2) recent journal articles');
  });

  it('rebuilds an inverted index with repeated words and gaps', () => {
    expect(invertedAbstract({ the: [0, 3], cat: [1], sat: [2], mat: [5] })).toBe('the cat sat the mat');
    expect(invertedAbstract({ a: [0], b: ['1'] })).toEqual({ problem: '"b": position got "1"' });
  });

  it('uses the arXiv id when a location is on arXiv', () => {
    const work = clone(openAlexWork);
    (work.locations as Json[]).push({ landing_page_url: 'http://arxiv.org/abs/1705.00011v3', pdf_url: null, source: { display_name: 'arXiv' } });
    expect(record(mapOpenAlex(work))).toMatchObject({ id: '1705.00011', url: 'https://arxiv.org/abs/1705.00011', doi: '10.7717/peerj.4375' });
    expect(record(mapOpenAlex({ ...openAlexWork, doi: 'https://doi.org/10.48550/arxiv.2301.00001' })).id).toBe('2301.00001');
  });

  it('falls back to the OpenAlex id and display_name', () => {
    const { doi: _doi, title: _title, primary_location: _p, best_oa_location: _b, ...work } = openAlexWork;
    expect(record(mapOpenAlex(work))).toMatchObject({
      id: 'W2741809807',
      title: 'The state of OA: a large-scale analysis of the prevalence and impact of Open Access articles',
      doi: null,
      url: 'https://openalex.org/W2741809807',
    });
  });

  it('explains a missing abstract', () => {
    expect(problems(mapOpenAlex({ ...openAlexWork, abstract_inverted_index: null }))).toEqual([
      { field: 'abstract', reason: 'is required; OpenAlex has no abstract for this work (`abstract_inverted_index` is null)' },
    ]);
    const { abstract_inverted_index: _index, ...selected } = openAlexWork;
    expect(problems(mapOpenAlex(selected))).toEqual([
      { field: 'abstract', reason: 'is required; this work has no `abstract_inverted_index` — when selecting fields (`select=`), include it' },
    ]);
    expect(problems(mapOpenAlex({ ...openAlexWork, abstract_inverted_index: { word: 3 } }))).toEqual([
      { field: 'abstract_inverted_index', reason: 'must map each word to a list of positions ("word": got number 3)' },
    ]);
  });

  it('drops unreadable optional fields with a warning and keeps the record', () => {
    const work = { ...openAlexWork, publication_date: '2018-02-30', cited_by_count: 'lots' };
    const paper = record(mapOpenAlex(work), [
      { field: 'publication_date', reason: 'must be a date like 2024-11-25, got "2018-02-30"; dropped' },
      { field: 'cited_by_count', reason: 'must be a whole number ≥ 0, got "lots"; dropped' },
    ]);
    expect(paper.published).toBe('2018-01-01'); // publication_year
  });
});

describe('format detection (looksLike*)', () => {
  const samples = {
    arxiv: arxivLines[0],
    hf: hfItems[0],
    s2: s2Items[1],
    openalex: openAlexWork,
  };
  const detectors = {
    arxiv: looksLikeArxivSnapshot,
    hf: looksLikeHfApi,
    s2: looksLikeSemanticScholar,
    openalex: looksLikeOpenAlex,
  };

  it.each(Object.keys(detectors) as (keyof typeof detectors)[])('%s recognises its own sample only', (name) => {
    for (const [sample, value] of Object.entries(samples)) {
      expect(detectors[name](value), `${name} on the ${sample} sample`).toBe(sample === name);
    }
  });

  it('rejects non-objects and the generic paperseek record shape', () => {
    const generic = { id: 'p1', title: 'T', abstract: 'A', authors: ['X'], published: '2024-01-01', upvotes: 3 };
    for (const detect of Object.values(detectors)) {
      for (const value of [null, 'text', 42, [], generic]) expect(detect(value)).toBe(false);
    }
  });
});
