import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readArxivAtom, type AtomFeedInfo } from '../../../src/sources/formats/arxiv-atom.ts';
import { readArxivOai, type ResumptionToken } from '../../../src/sources/formats/arxiv-oai.ts';
import type { PaperRecord, SourceEntry } from '../../../src/sources/record.ts';
import { formatSample } from '../../support/shared.ts';

const atomSample = readFileSync(formatSample('arxiv-atom/query.xml'), 'utf8');
const oaiSample = readFileSync(formatSample('arxiv-oai/arxiv-physics-hep-th.xml'), 'utf8');

/** The text in pieces of `size` characters (the whole text when size is omitted), as a stream would give it. */
async function* chunks(text: string, size = text.length): AsyncGenerator<string> {
  for (let start = 0; start < text.length; start += size) yield text.slice(start, start + size);
}

async function collect(entries: AsyncIterable<SourceEntry>): Promise<SourceEntry[]> {
  const out: SourceEntry[] = [];
  for await (const entry of entries) out.push(entry);
  return out;
}

/** What was yielded before the reader threw, and what it threw. */
async function collectUntilError(entries: AsyncIterable<SourceEntry>): Promise<{ entries: SourceEntry[]; error: Error }> {
  const out: SourceEntry[] = [];
  try {
    for await (const entry of entries) out.push(entry);
  } catch (error) {
    return { entries: out, error: error as Error };
  }
  throw new Error(`expected the reader to throw; it yielded ${out.length} entries`);
}

function records(entries: SourceEntry[]): PaperRecord[] {
  return entries.map((entry) => {
    if (!entry.ok) throw new Error(`line ${entry.line} skipped: ${JSON.stringify(entry.problems)}`);
    expect(entry.warnings).toEqual([]);
    return entry.record;
  });
}

const ATOM_OPEN = '<?xml version="1.0" encoding="UTF-8"?>\n' + '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">\n';

/** An OAI-PMH ListRecords response around `records` (lines 1-4 are the envelope). */
function oaiResponse(records: string, prefix = 'arXiv'): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">\n' +
    `<request verb="ListRecords" metadataPrefix="${prefix}">http://export.arxiv.org/oai2</request>\n` +
    '<ListRecords>\n' +
    `${records}</ListRecords>\n</OAI-PMH>\n`
  );
}

/** One metadataPrefix=arXiv record; `metadata` is the inside of <arXiv>. */
function arxivRecord(id: string, metadata: string): string {
  return (
    `<record><header><identifier>oai:arXiv.org:${id}</identifier><datestamp>2024-05-02</datestamp></header>\n` +
    `<metadata><arXiv xmlns="http://arxiv.org/OAI/arXiv/">${metadata}</arXiv></metadata></record>\n`
  );
}

describe('readArxivAtom', () => {
  it('reads every entry of a real API response', async () => {
    const entries = await collect(readArxivAtom(chunks(atomSample)));
    expect(entries.map((entry) => entry.line)).toEqual([10, 50, 73, 93, 127, 154, 173, 199, 223, 247]);
    const papers = records(entries);
    expect(papers.map((paper) => paper.id)).toEqual([
      'nucl-ex/0408020',
      '1309.4668',
      '1606.02159',
      '1610.08734',
      '2102.00018',
      '0803.1617',
      '1205.6628',
      'nucl-th/9910021',
      '1602.03411',
      '1401.3666',
    ]);

    const [first, second] = papers;
    expect(first).toMatchObject({
      id: 'nucl-ex/0408020',
      title: 'Two-photon exchange and elastic scattering of electrons/positrons on the proton. (Proposal for an experiment at VEPP-3)',
      authors_count: 9,
      published: '2004-08-18',
      updated: '2005-09-17',
      categories: ['nucl-ex', 'hep-ph'],
      doi: null,
      url: 'https://arxiv.org/abs/nucl-ex/0408020',
      extra: {
        primary_category: 'nucl-ex',
        version: 'v1',
        comments: '13 pages, 10 figures. Proposal for a comparison of electron-proton and positron-proton scattering at VEPP-3',
      },
    });
    expect(first!.authors!.slice(0, 2)).toEqual(['J. Arrington', 'V. F. Dmitriev']);
    expect(first!.abstract).toMatch(/^It has been suggested that two-photon exchange corrections/);

    expect(second).toMatchObject({
      id: '1309.4668',
      title: 'Electron cloud observations at the ISIS Proton Synchrotron',
      authors: ['A. Pertica', 'S. J. Payne'],
      published: '2013-09-18',
      updated: '2013-09-19',
      categories: ['physics.acc-ph'],
      doi: '10.5170/CERN-2013-002.237',
      url: 'https://arxiv.org/abs/1309.4668',
      extra: { journal_ref: 'CERN Yellow Report CERN-2013-002, pp.237-240', version: 'v1' },
    });

    // Primary category first, then the others in order; non-ASCII names and entities decoded.
    expect(papers[6]).toMatchObject({
      id: '1205.6628',
      authors: ['I. T. Lorenz', 'H. -W. Hammer', 'Ulf-G. Meißner'],
      categories: ['hep-ph', 'nucl-ex', 'nucl-th'],
      doi: '10.1140/epja/i2012-12151-1',
      extra: { version: 'v2' },
    });
    expect(papers[7]!.abstract).toContain('p + p -> D + positron + neutrino');
    expect(papers[3]!.extra.journal_ref).toContain('Hanahoe, K., & Mete-Apsimon, O. (2017)');
  });

  it('gives the same entries whatever the chunk size and line endings', async () => {
    const whole = await collect(readArxivAtom(chunks(atomSample)));
    for (const size of [1, 7, 100]) {
      expect(await collect(readArxivAtom(chunks(atomSample, size)))).toEqual(whole);
    }
    expect(await collect(readArxivAtom(chunks(atomSample.replace(/\n/g, '\r\n'), 7)))).toEqual(whole);
  });

  it('yields each entry as soon as it closes, without reading ahead', async () => {
    let pulled = 0;
    async function* counted(): AsyncGenerator<string> {
      for await (const chunk of chunks(atomSample, 100)) {
        pulled++;
        yield chunk;
      }
    }
    const pulledAt: number[] = [];
    for await (const _entry of readArxivAtom(counted())) pulledAt.push(pulled);
    // The first entry closes about 2,430 characters in, inside chunk 25 of 207.
    expect(pulledAt[0]).toBe(25);
    expect(pulledAt).toEqual([...pulledAt].sort((a, b) => a - b));
    expect(pulled).toBe(Math.ceil(atomSample.length / 100));
  });

  it('reports the OpenSearch numbers once, before the first entry', async () => {
    const events: (AtomFeedInfo | string)[] = [];
    for await (const entry of readArxivAtom(chunks(atomSample, 500), { onFeedInfo: (info) => events.push(info) })) {
      events.push(entry.ok ? entry.record.id : 'skipped');
    }
    expect(events).toHaveLength(11);
    expect(events[0]).toEqual({ totalResults: 7432, startIndex: 0, itemsPerPage: 10 });
  });

  it('turns an API error response into an Error with its message', async () => {
    const response =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">\n' +
      '  <title>arXiv Query: search_query=&amp;id_list=1234.1234v1&amp;start=0&amp;max_results=10</title>\n' +
      '  <opensearch:totalResults>1</opensearch:totalResults>\n' +
      '  <entry>\n' +
      '    <id>http://arxiv.org/api/errors#incorrect_id_format_for_1234.1234v1</id>\n' +
      '    <title>Error</title>\n' +
      '    <summary>incorrect id format for 1234.1234v1</summary>\n' +
      '    <author><name>arXiv api core</name></author>\n' +
      '  </entry>\n' +
      '</feed>\n';
    await expect(collect(readArxivAtom(chunks(response)))).rejects.toThrow('arXiv API error (entry at line 5): incorrect id format for 1234.1234v1');
  });

  it('skips an entry without abstract, keeps one with unreadable optional fields', async () => {
    const feed =
      ATOM_OPEN +
      '<entry>\n<id>http://arxiv.org/abs/2401.00001v1</id><title>No abstract here</title>\n</entry>\n' +
      // A start tag spread over lines is located at its first line.
      '<entry\n  xml:lang="en">\n<id>http://arxiv.org/abs/2401.00002v3</id><title>Odd fields</title>' +
      '<summary>Still a paper.</summary><published>sometime in 2024</published>' +
      '<arxiv:doi>10.1103/PhysRevD.76.013009 10.1103/PhysRevD.76.019901</arxiv:doi>\n</entry>\n' +
      '</feed>\n';
    const [skipped, kept] = await collect(readArxivAtom(chunks(feed)));
    expect(skipped).toMatchObject({ ok: false, line: 3, problems: [{ field: 'abstract', reason: 'is required' }] });
    expect(kept).toMatchObject({
      ok: true,
      line: 6,
      record: { id: '2401.00002', published: null, doi: '10.1103/PhysRevD.76.013009', authors: null, categories: null },
      warnings: [{ field: 'published' }],
    });
    if (kept?.ok) expect(kept.record.extra.dois).toEqual(['10.1103/PhysRevD.76.013009', '10.1103/PhysRevD.76.019901']);
  });

  it('yields the entries before malformed XML, then throws naming the line', async () => {
    const feed =
      ATOM_OPEN +
      '<entry><id>http://arxiv.org/abs/2401.00001v1</id><title>Good</title><summary>Fine.</summary></entry>\n' +
      '<entry><id>http://arxiv.org/abs/2401.00002v1</id>\n<title>Broken</titel>\n</entry>\n</feed>\n';
    for (const size of [feed.length, 7]) {
      const { entries, error } = await collectUntilError(readArxivAtom(chunks(feed, size)));
      expect(records(entries).map((paper) => paper.id)).toEqual(['2401.00001']);
      expect(error.message).toMatch(/^malformed XML at line 5, column \d+: unexpected close tag/);
    }
  });

  it('refuses a document that is not an Atom feed', async () => {
    await expect(collect(readArxivAtom(chunks(oaiSample)))).rejects.toThrow(
      /^not an arXiv API Atom response: expected .*<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">, found <OAI-PMH/,
    );
  });
});

describe('readArxivOai', () => {
  it('reads every record of a real ListRecords response (metadataPrefix=arXiv)', async () => {
    const tokens: ResumptionToken[] = [];
    const entries = await collect(readArxivOai(chunks(oaiSample), { onResumptionToken: (token) => tokens.push(token) }));
    expect(entries.map((entry) => entry.line)).toEqual([6, 46, 65]);
    const [first, second, third] = records(entries);
    expect(first).toMatchObject({
      id: '1412.8323',
      title: 'Toolbox for reconstructing quantum theory from rules on information acquisition',
      authors: ['Philipp A Hoehn'],
      published: '2014-12-29',
      updated: '2017-12-13',
      categories: ['quant-ph', 'gr-qc', 'hep-th', 'math-ph', 'math.MP', 'physics.hist-ph'],
      doi: null,
      url: 'https://arxiv.org/abs/1412.8323',
      extra: {
        primary_category: 'quant-ph',
        license: 'http://creativecommons.org/licenses/by/4.0/',
        oai_datestamp: '2017-12-14',
      },
    });
    expect(first!.abstract).toMatch(/^We develop an operational approach for reconstructing the quantum theory of qubit systems/);
    expect(first!.extra.comments).toMatch(/^78 pages, many figures, graphs and references\. Version accepted for publication/);
    expect(second).toMatchObject({
      id: '1507.07790',
      title: 'Relativistic quantum dynamics of vector bosons in an Aharonov-Bohm potential',
      authors: ['Luis B. Castro', 'Edilberto O. Silva'],
      published: '2015-07-28',
      updated: '2016-03-04',
      categories: ['hep-th', 'math-ph', 'math.MP', 'quant-ph'],
      doi: '10.1088/1751-8121/aa9c53',
      url: 'https://arxiv.org/abs/1507.07790',
      extra: { journal_ref: 'J. Phys. A: Math. Theor. 51 (2018) 035201', comments: '7 pages' },
    });
    expect(third!.authors).toEqual(['R. A. C. Correa', 'D. M. Dantas', 'P. H. R. S. Moraes', 'A. de Souza Dutra', 'C. A. S. Almeida']);
    expect(tokens).toEqual([]);
  });

  it('gives the same entries whatever the chunk size', async () => {
    const whole = await collect(readArxivOai(chunks(oaiSample)));
    for (const size of [1, 7]) expect(await collect(readArxivOai(chunks(oaiSample, size)))).toEqual(whole);
  });

  it('reads metadataPrefix=arXivRaw records', async () => {
    const raw =
      '<record><header><identifier>oai:arXiv.org:0704.0001</identifier><datestamp>2008-11-13</datestamp>' +
      '<setSpec>physics:hep-ph</setSpec></header>\n<metadata>\n' +
      '<arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' +
      ' xsi:schemaLocation="http://arxiv.org/OAI/arXivRaw/ http://arxiv.org/OAI/arXivRaw.xsd">\n' +
      '<id>0704.0001</id><submitter>Pavel Nadolsky</submitter>' +
      '<version version="v1"><date>Mon, 2 Apr 2007 19:18:42 GMT</date><size>37kb</size><source_type>D</source_type></version>' +
      '<version version="v2"><date>Tue, 24 Jul 2007 20:10:27 GMT</date><size>37kb</size><source_type>D</source_type></version>' +
      '<title>Calculation of prompt diphoton production cross sections at Tevatron and\n  LHC energies</title>' +
      // As submitted: TeX accents, an affiliation with a comma, "and" before the last name.
      "<authors>C. Bal\\'azs, E. L. Berger (ANL, Argonne), P. M. Nadolsky and C.-P. Yuan</authors>" +
      '<categories>hep-ph</categories><comments>37 pages, 15 figures; published version</comments>' +
      '<report-no>ANL-HEP-PR-07-12</report-no><journal-ref>Phys.Rev.D76:013009,2007</journal-ref>' +
      '<doi>10.1103/PhysRevD.76.013009</doi>' +
      '<abstract>  A fully differential calculation in perturbative quantum chromodynamics is\npresented for the production of massive photon pairs at hadron colliders.\n</abstract>' +
      '</arXivRaw>\n</metadata></record>\n';
    const [entry] = await collect(readArxivOai(chunks(oaiResponse(raw, 'arXivRaw'), 7)));
    expect(entry).toMatchObject({ ok: true, line: 5, warnings: [] });
    expect(entry?.ok && entry.record).toEqual({
      id: '0704.0001',
      title: 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
      abstract:
        'A fully differential calculation in perturbative quantum chromodynamics is presented for the production of massive photon pairs at hadron colliders.',
      authors: ['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C.-P. Yuan'],
      authors_count: 4,
      published: '2007-04-02',
      updated: '2007-07-24',
      categories: ['hep-ph'],
      doi: '10.1103/PhysRevD.76.013009',
      upvotes: null,
      url: 'https://arxiv.org/abs/0704.0001',
      github_url: null,
      project_url: null,
      extra: {
        primary_category: 'hep-ph',
        version: 'v2',
        versions: [
          { version: 'v1', created: 'Mon, 2 Apr 2007 19:18:42 GMT' },
          { version: 'v2', created: 'Tue, 24 Jul 2007 20:10:27 GMT' },
        ],
        submitter: 'Pavel Nadolsky',
        comments: '37 pages, 15 figures; published version',
        journal_ref: 'Phys.Rev.D76:013009,2007',
        report_no: 'ANL-HEP-PR-07-12',
        oai_datestamp: '2008-11-13',
      },
    });
  });

  it('yields nothing for a deleted record and reports its id', async () => {
    const deleted =
      '<record><header status="deleted"><identifier>oai:arXiv.org:hep-th/9901001</identifier>' +
      '<datestamp>2024-05-02</datestamp><setSpec>physics:hep-th</setSpec></header></record>\n';
    const ids: string[] = [];
    const response = oaiResponse(deleted + arxivRecord('2401.00001', '<id>2401.00001</id><title>T</title><abstract>A.</abstract>'));
    const entries = await collect(readArxivOai(chunks(response), { onDeleted: (id) => ids.push(id) }));
    expect(records(entries).map((paper) => paper.id)).toEqual(['2401.00001']);
    expect(entries[0]!.line).toBe(6);
    expect(ids).toEqual(['hep-th/9901001']);
  });

  it('reports the resumptionToken, and an empty one as the last page', async () => {
    const page = (token: string) => oaiResponse(arxivRecord('2401.00001', '<title>T</title><abstract>A.</abstract>') + token);
    const tokens: ResumptionToken[] = [];
    const onResumptionToken = (token: ResumptionToken) => tokens.push(token);
    const first = await collect(
      readArxivOai(chunks(page('<resumptionToken cursor="0" completeListSize="2345">6960524|1001</resumptionToken>\n'), 7), {
        onResumptionToken,
      }),
    );
    await collect(readArxivOai(chunks(page('<resumptionToken cursor="1000" completeListSize="2345"/>\n')), { onResumptionToken }));
    expect(tokens).toEqual([
      { token: '6960524|1001', cursor: 0, completeListSize: 2345, expirationDate: null },
      { token: null, cursor: 1000, completeListSize: 2345, expirationDate: null },
    ]);
    // Without <id> in the metadata, the header identifier gives the id.
    expect(records(first)[0]!.id).toBe('2401.00001');
  });

  it('treats noRecordsMatch as an empty list and other OAI-PMH errors as failures', async () => {
    const error = (code: string, message: string) =>
      '<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">\n' +
      '<request verb="ListRecords">http://export.arxiv.org/oai2</request>\n' +
      `<error code="${code}">${message}</error>\n</OAI-PMH>\n`;
    const empty = error('noRecordsMatch', 'The combination of the values of the arguments results in an empty list.');
    expect(await collect(readArxivOai(chunks(empty)))).toEqual([]);
    const failed = error('badResumptionToken', 'The value of the resumptionToken argument is invalid or expired.');
    await expect(collect(readArxivOai(chunks(failed)))).rejects.toThrow(
      'OAI-PMH error badResumptionToken (line 4): The value of the resumptionToken argument is invalid or expired.',
    );
  });

  it('skips a record without abstract and carries on', async () => {
    const response = oaiResponse(
      arxivRecord('2401.00001', '<id>2401.00001</id><title>No abstract</title>') +
        arxivRecord(
          '2401.00002',
          '<id>2401.00002</id><title>T</title><abstract>A.</abstract>' +
            "<authors><author><keyname>Bal\\'azs</keyname><forenames>Csaba</forenames><suffix>Jr.</suffix></author></authors>",
        ),
    );
    const [skipped, kept] = await collect(readArxivOai(chunks(response)));
    expect(skipped).toMatchObject({ ok: false, line: 5, problems: [{ field: 'abstract', reason: 'is required' }] });
    expect(kept).toMatchObject({ ok: true, line: 7, record: { id: '2401.00002', authors: ['Csaba Balázs Jr.'] } });
  });

  it('yields the records before malformed XML, then throws naming the line', async () => {
    const response = oaiResponse(
      arxivRecord('2401.00001', '<id>2401.00001</id><title>Good</title><abstract>Fine.</abstract>') +
        '<record><header><identifier>oai:arXiv.org:2401.00002</identifier></header>\n' +
        '<metadata><arXiv xmlns="http://arxiv.org/OAI/arXiv/"><title>Broken</titel></arXiv></metadata></record>\n',
    );
    for (const size of [response.length, 7]) {
      const { entries, error } = await collectUntilError(readArxivOai(chunks(response, size)));
      expect(records(entries).map((paper) => paper.id)).toEqual(['2401.00001']);
      expect(error.message).toMatch(/^malformed XML at line 8, column \d+: unexpected close tag/);
    }
  });

  it('yields the records of a truncated download, then throws', async () => {
    const cut = oaiSample.slice(0, oaiSample.indexOf('<record>', oaiSample.indexOf('1507.07790')) + 60);
    const { entries, error } = await collectUntilError(readArxivOai(chunks(cut, 7)));
    expect(records(entries).map((paper) => paper.id)).toEqual(['1412.8323', '1507.07790']);
    expect(error.message).toMatch(/^malformed XML at line \d+, column \d+: unclosed tag/);
  });

  it('refuses metadata formats it cannot map', async () => {
    const dc =
      '<record><header><identifier>oai:arXiv.org:2401.00001</identifier></header>\n' +
      '<metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"/></metadata></record>\n';
    await expect(collect(readArxivOai(chunks(oaiResponse(dc, 'oai_dc'))))).rejects.toThrow(
      /unsupported OAI-PMH metadata <dc .*at line 6: harvest with metadataPrefix=arXiv or metadataPrefix=arXivRaw/,
    );
  });
});
