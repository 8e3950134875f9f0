// Every real sample in ../shared/formats (byte for byte from its producer) read through the
// product's entry point: detected by content, the expected number of papers, and the fields that
// matter (id, authors, dates, categories, links) on two records of each.
import { describe, expect, it } from 'vitest';
import { readSource } from '../../src/sources/index.ts';
import type { PaperRecord } from '../../src/sources/record.ts';
import { formatSample } from '../support/shared.ts';

interface Case {
  file: string;
  count: number;
  notes?: RegExp;
  records: Record<string, Partial<PaperRecord>>;
}

const CASES: Case[] = [
  {
    file: 'arxiv-kaggle/arxiv-metadata-oai-snapshot.json',
    count: 100,
    records: {
      '0704.0001': {
        title: 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
        authors: ['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C.-P. Yuan'],
        published: '2007-04-02',
        updated: '2008-11-26',
        categories: ['hep-ph'],
        doi: '10.1103/PhysRevD.76.013009',
        url: 'https://arxiv.org/abs/0704.0001',
      },
      '0704.0100': { authors: ['Daisuke Ida', 'Masaru Siino'], categories: ['gr-qc'], doi: '10.1143/PTP.118.715', url: 'https://arxiv.org/abs/0704.0100' },
    },
  },
  {
    file: 'hf-daily-papers/hf_daily_papers.json',
    count: 3,
    records: {
      '2607.26654': {
        title: 'Constitutional Midtraining: Content Presence Drives Alignment Gains',
        published: '2026-07-29',
        upvotes: 3,
        github_url: 'https://github.com/desBugger/constitutional-mt',
        url: 'https://arxiv.org/abs/2607.26654',
        authors_count: 7,
      },
      '2607.27851': { published: '2026-07-30', upvotes: 2, authors_count: 5, url: 'https://arxiv.org/abs/2607.27851' },
    },
  },
  {
    file: 'arxiv-atom/query.xml',
    count: 10,
    records: {
      'nucl-ex/0408020': { published: '2004-08-18', updated: '2005-09-17', categories: ['nucl-ex', 'hep-ph'], url: 'https://arxiv.org/abs/nucl-ex/0408020' },
      '1401.3666': { authors: ['U. D. Jentschura'], doi: '10.1103/PhysRevA.88.062514', categories: ['physics.atom-ph', 'hep-ph', 'nucl-th'] },
    },
  },
  {
    file: 'arxiv-oai/arxiv-physics-hep-th.xml',
    count: 3,
    records: {
      '1412.8323': { authors: ['Philipp A Hoehn'], published: '2014-12-29', updated: '2017-12-13', url: 'https://arxiv.org/abs/1412.8323' },
      '1607.01710': { published: '2016-07-06', categories: ['hep-th'], doi: '10.1002/andp.201700188' },
    },
  },
  {
    file: 'semantic-scholar/paper-batch.json',
    count: 3,
    notes: /ignored 1 null entry/,
    records: {
      c31c87c591a25c64fbaa82e8ac6a81831b6ac7ce: {
        title: 'How Much Should We Trust Differences-in-Differences Estimates?',
        published: '2001-10-01',
        doi: '10.2139/ssrn.288970',
        url: 'https://www.semanticscholar.org/paper/c31c87c591a25c64fbaa82e8ac6a81831b6ac7ce',
      },
      '0f40b1f08821e22e859c6050916cec3667778613': { doi: '10.1257/rct.1355', authors_count: 3 },
    },
  },
  {
    file: 'openalex/W2741809807.json',
    count: 1,
    records: {
      '10.7717/peerj.4375': {
        title: 'The state of OA: a large-scale analysis of the prevalence and impact of Open Access articles',
        published: '2018-02-13',
        doi: '10.7717/peerj.4375',
        authors_count: 9,
      },
    },
  },
  {
    file: 'csv/arxiv_data.head100.csv',
    count: 100,
    records: {
      '2505.24868': {
        authors: ['Kalle Alaluusua', 'Konstantin Avrachenkov', expect.any(String), expect.any(String)] as string[],
        categories: ['math.ST', 'stat.ML'],
        url: 'https://arxiv.org/abs/2505.24868',
      },
      '2505.24018': { authors: ['Milena Weiershausen'], categories: ['math.DG', 'math.SG'], published: null },
    },
  },
];

describe.each(CASES)('the real $file sample', ({ file, count, notes, records }) => {
  it(`reads ${count} paper(s) with no problem`, async () => {
    const result = await readSource(formatSample(file));
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.records).toHaveLength(count);
    if (notes) expect(result.notes.join('\n')).toMatch(notes);
    for (const record of result.records) {
      expect(record.title.length).toBeGreaterThan(5);
      expect(record.abstract.length).toBeGreaterThan(20);
      expect(record.abstract).not.toMatch(/\n|\s{2}/);
    }
    const byId = new Map(result.records.map((r) => [r.id, r]));
    for (const [id, fields] of Object.entries(records)) expect(byId.get(id), id).toMatchObject(fields);
  });
});

it('the OpenAlex abstract is rebuilt from its inverted index in word order', async () => {
  const [work] = (await readSource(formatSample('openalex/W2741809807.json'))).records;
  expect(work!.abstract).toMatch(/^Despite growing interest in Open Access \(OA\) to scholarly literature, /);
});
