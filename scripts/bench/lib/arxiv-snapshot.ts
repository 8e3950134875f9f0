// Synthetic records in the arXiv metadata snapshot shape (the Kaggle dump: one JSON object per
// line, `authors` as a LaTeX string plus `authors_parsed`, `versions` with RFC 2822 dates, hard
// wrapped title and abstract), deterministic from a seed, for scale tests and ingest benchmarks.
// Text comes from a pool of sentences: real ones (SciFact abstracts) for benchmarks, so the
// keyword index sees a real vocabulary, or generated words for tests that need no shared data.
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { mulberry32 } from '../../test-model/prng.ts';

const CATEGORIES = ['cs.LG', 'cs.CV', 'cs.CL', 'cs.AI', 'stat.ML', 'hep-ph', 'hep-th', 'math.OC', 'quant-ph', 'astro-ph.GA', 'cond-mat.str-el', 'q-bio.NC'];
const SURNAMES = ["Bal\\'azs", 'M\\"uller', 'Nadolsky', 'Yuan', 'Berger', "Garc\\'ia", 'Chen', 'Smith', 'Ivanov', 'Sato', 'Kowalski', 'Dupont'];
const INITIALS = ['C.', 'E. L.', 'P. M.', 'C.-P.', 'A.', 'J.', 'M.', 'S. K.'];
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Sentences of the SciFact abstracts (BEIR), for a realistic vocabulary. */
export function scifactSentences(corpusFile: string): string[] {
  const sentences: string[] = [];
  for (const line of readFileSync(corpusFile, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const doc = JSON.parse(line) as { abstract: string };
    for (const sentence of doc.abstract.split(/(?<=\.)\s+/)) if (sentence.length > 20) sentences.push(sentence);
  }
  return sentences;
}

/** Sentences of made-up words with a skewed (Zipf-like) word frequency: no shared data needed. */
export function generatedSentences(count: number, seed = 7): string[] {
  const random = mulberry32(seed);
  const syllables = ['ka', 'lo', 'mi', 'nu', 'pe', 'ra', 'si', 'to', 'ven', 'dor', 'qui', 'zel'];
  const vocabulary = Array.from({ length: 5000 }, () =>
    Array.from({ length: 2 + Math.floor(random() * 3) }, () => syllables[Math.floor(random() * syllables.length)]).join(''),
  );
  const word = () => vocabulary[Math.floor(vocabulary.length * random() ** 3)]!;
  return Array.from({ length: count }, () => {
    const words = Array.from({ length: 12 + Math.floor(random() * 14) }, word);
    return `${words.join(' ').replace(/^./, (c) => c.toUpperCase())}.`;
  });
}

/** Hard-wraps like the snapshot: lines of ~80 characters joined by "\n" (titles use "\n  "). */
function wrap(text: string, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line.length + word.length > 78 && line !== '') {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join(`\n${indent}`);
}

function rfc2822(random: () => number, year: number): string {
  const date = new Date(Date.UTC(year, Math.floor(random() * 12), 1 + Math.floor(random() * 28), Math.floor(random() * 24), 7, 42));
  return `${DAYS[date.getUTCDay() === 0 ? 6 : date.getUTCDay() - 1]}, ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ${String(date.getUTCHours()).padStart(2, '0')}:07:42 GMT`;
}

export interface SnapshotOptions {
  sentences: readonly string[];
  seed?: number;
  /** Sentences per abstract (min, max). */
  abstractSentences?: [number, number];
}

/** The i-th record of the generated snapshot as one JSON line (no newline). */
export function snapshotGenerator(options: SnapshotOptions): (i: number) => string {
  const random = mulberry32(options.seed ?? 1);
  const [minS, maxS] = options.abstractSentences ?? [5, 9];
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  return (i: number) => {
    const year = 2007 + (i % 18);
    const id = `${String(year % 100).padStart(2, '0')}${String(1 + (Math.floor(i / 18) % 12)).padStart(2, '0')}.${String(Math.floor(i / 216)).padStart(5, '0')}`;
    const authors = Array.from({ length: 1 + Math.floor(random() * 5) }, () => [pick(SURNAMES), pick(INITIALS)] as const);
    const abstract = Array.from({ length: minS + Math.floor(random() * (maxS - minS + 1)) }, () => pick(options.sentences)).join(' ');
    const title = pick(options.sentences).replace(/\.$/, '').slice(0, 160);
    const created = rfc2822(random, year);
    const record = {
      id,
      submitter: `${authors[0]![1]} ${authors[0]![0]}`,
      authors: authors.map(([last, first]) => `${first} ${last}`).join(', '),
      title: wrap(title, '  '),
      comments: `${5 + Math.floor(random() * 40)} pages, ${Math.floor(random() * 12)} figures`,
      'journal-ref': random() < 0.3 ? `Phys.Rev.D${70 + Math.floor(random() * 30)}:0${Math.floor(random() * 99999)},${year}` : null,
      doi: random() < 0.4 ? `10.${1000 + Math.floor(random() * 9000)}/synthetic.${i}` : null,
      'report-no': null,
      categories: Array.from(new Set([pick(CATEGORIES), pick(CATEGORIES)])).join(' '),
      license: null,
      abstract: `  ${wrap(abstract, '')}\n`,
      versions: [{ version: 'v1', created }],
      update_date: `${year}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`,
      authors_parsed: authors.map(([last, first]) => [last, first, '']),
    };
    return JSON.stringify(record);
  };
}

/** `count` records as a byte stream, generated as it is read (nothing held beyond one chunk). */
export function snapshotStream(count: number, options: SnapshotOptions): Readable {
  const line = snapshotGenerator(options);
  return Readable.from(
    (function* () {
      let chunk = '';
      for (let i = 0; i < count; i++) {
        chunk += `${line(i)}\n`;
        if (chunk.length >= 1 << 16) {
          yield Buffer.from(chunk);
          chunk = '';
        }
      }
      if (chunk !== '') yield Buffer.from(chunk);
    })(),
  );
}

/** Writes `count` records to `file` (JSON Lines, as the snapshot is). */
export async function writeSnapshot(file: string, count: number, options: SnapshotOptions): Promise<void> {
  const out = createWriteStream(file);
  for await (const chunk of snapshotStream(count, options)) if (!out.write(chunk)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}
