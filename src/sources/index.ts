// Entry point for reading paper sources. A source is a file path (or `-` for standard input),
// gzipped or not; its format is detected from the content (or forced with `format`), and its
// records stream out one at a time with their line, so any size of input reads in bounded memory.
import { AppError } from '../errors.ts';
import { detectContainer, DETECT_BYTES, type Container } from './detect.ts';
import { readArxivAtom } from './formats/arxiv-atom.ts';
import { readArxivOai } from './formats/arxiv-oai.ts';
import { readDelimited } from './formats/csv.ts';
import { parseHfPage } from './hf-page.ts';
import { openInput, peek, textOf, type SourceInput } from './input.ts';
import { JSON_FORMAT_NAMES, jsonEntries } from './json-formats.ts';
import { jsonDocument, jsonLines } from './json-stream.ts';
import { byLine, duplicateIdProblem, type FirstSeen } from './located.ts';
import type { ReadOptions, SourceEntry, SourceProblem, SourceResult } from './record.ts';

export type { PaperRecord, ReadOptions, SourceEntry, SourceProblem, SourceResult } from './record.ts';
export { titleSlug } from './slug.ts';
export { findLinks } from './links.ts';
export { parseJsonRecord } from './json-records.ts';
export { STDIN } from './input.ts';

const CONTAINER_FORMATS = ['arxiv-atom', 'arxiv-oai', 'csv', 'tsv', 'hf-page'] as const satisfies readonly Container[];

/** Every name `--format` accepts. JSON record formats still detect JSON Lines vs a JSON document. */
export const FORMAT_NAMES: readonly string[] = [...JSON_FORMAT_NAMES, ...CONTAINER_FORMATS];

// Page dumps are parsed as a whole (their entries are recognised by the blocks around them); they
// are copies of one web page, so anything larger is not one.
const MAX_PAGE_DUMP_BYTES = 64 * 1024 * 1024;

export interface OpenedSource {
  /** Where the bytes come from, with the progress counters. */
  input: SourceInput;
  /** The format read, e.g. `arxiv-snapshot (JSON Lines)`; known once the first record is read. */
  format(): string;
  entries: AsyncIterable<SourceEntry>;
  /** Remarks for the user, filled while reading (e.g. ignored null entries, the assumed year). */
  notes: string[];
}

/** Opens a source; throws a BAD_INPUT_FILE error naming it when it cannot be read or recognised. */
export async function openSource(path: string, options: ReadOptions = {}, stdin?: NodeJS.ReadableStream): Promise<OpenedSource> {
  if (options.format !== undefined && !FORMAT_NAMES.includes(options.format)) {
    throw new AppError('BAD_INPUT_FILE', `unknown format "${options.format}": expected one of ${FORMAT_NAMES.join(', ')}`);
  }
  const input = await openInput(path, stdin);
  const peeked = await peek(input.bytes, DETECT_BYTES);
  const head = new TextDecoder().decode(peeked.head.subarray(0, DETECT_BYTES));
  const bytes = peeked.rest;
  const forced = (CONTAINER_FORMATS as readonly string[]).includes(options.format ?? '') ? (options.format as Container) : undefined;
  const detected = forced ? { container: forced } : detectContainer(head, input.name);
  if ('unknown' in detected) {
    throw new AppError(
      'BAD_INPUT_FILE',
      `cannot tell the format of ${input.name}: ${detected.unknown}. Supported: arXiv snapshot / Hugging Face API / Semantic Scholar / ` +
        `OpenAlex / paperseek JSON or JSON Lines, arXiv Atom and OAI-PMH XML, CSV/TSV with a header, Hugging Face page dumps (.txt); ` +
        `use --format <${FORMAT_NAMES.join('|')}> to force one.`,
      { file: input.name },
    );
  }
  const notes: string[] = [];
  const { container } = detected;
  const opened = (entries: AsyncIterable<SourceEntry>, format: () => string): OpenedSource => ({ input, format, entries, notes });
  switch (container) {
    case 'jsonl':
    case 'json': {
      const items = container === 'jsonl' ? jsonLines(textOf(bytes)) : jsonDocument(bytes);
      const reading = jsonEntries(items, { format: options.format, fieldMap: options.fieldMap, notes, file: input.name });
      const layout = container === 'jsonl' ? 'JSON Lines' : 'JSON';
      return opened(reading.entries, () => `${reading.format()} (${layout})`);
    }
    case 'arxiv-atom':
      return opened(readArxivAtom(textOf(bytes)), () => 'arXiv API Atom');
    case 'arxiv-oai':
      return opened(readArxivOai(textOf(bytes)), () => 'arXiv OAI-PMH');
    case 'csv':
    case 'tsv':
      return opened(readDelimited(textOf(bytes), { delimiter: container === 'csv' ? ',' : '\t', fieldMap: options.fieldMap }), () => container.toUpperCase());
    case 'hf-page':
      return opened(pageEntries(bytes, input, options, notes), () => 'Hugging Face page dump');
  }
}

async function* pageEntries(bytes: AsyncIterable<Buffer>, input: SourceInput, options: ReadOptions, notes: string[]): AsyncGenerator<SourceEntry> {
  let text = '';
  for await (const piece of textOf(bytes)) {
    text += piece;
    if (text.length > MAX_PAGE_DUMP_BYTES) {
      throw new AppError(
        'BAD_INPUT_FILE',
        `${input.name} is over ${MAX_PAGE_DUMP_BYTES / 1024 / 1024} MB of plain text: too large for a Hugging Face page dump; ` +
          'if it is another format, use --format',
        { file: input.name },
      );
    }
  }
  const result = parseHfPage(text, input.name, options);
  notes.push(...result.notes);
  // One entry per record and per problem line, in file order (a record's problems share its line).
  const problemsByLine = new Map<number, SourceProblem[]>();
  for (const problem of result.problems) problemsByLine.set(problem.line, [...(problemsByLine.get(problem.line) ?? []), problem]);
  const entries: SourceEntry[] = [
    ...result.records.map((r): SourceEntry => ({ ok: true, line: r.line, record: r.record, warnings: [] })),
    ...[...problemsByLine].map(([line, problems]): SourceEntry => ({ ok: false, line, problems: problems.map(({ field, reason }) => ({ field, reason })) })),
  ];
  yield* entries.sort((a, b) => a.line - b.line);
}

/**
 * Reads whole sources into memory: for small inputs, tests and tools. Ingest streams instead
 * (see src/ingest/). The first record of an id wins; later ones are reported on their line.
 */
export async function readSources(paths: readonly string[], options: ReadOptions = {}): Promise<SourceResult & { warnings: SourceProblem[] }> {
  const seen = new Map<string, FirstSeen>();
  const merged = { records: [] as SourceResult['records'], problems: [] as SourceProblem[], warnings: [] as SourceProblem[], notes: [] as string[] };
  for (const path of paths) {
    const source = await openSource(path, options);
    const file = source.input.name;
    const problems: SourceProblem[] = [];
    for await (const entry of source.entries) {
      if (!entry.ok) {
        for (const p of entry.problems) problems.push({ file, line: entry.line, ...p });
        continue;
      }
      for (const w of entry.warnings) merged.warnings.push({ file, line: entry.line, ...w });
      const first = seen.get(entry.record.id);
      if (first) {
        problems.push({ file, line: entry.line, ...duplicateIdProblem(entry.record.id, first, file) });
        continue;
      }
      seen.set(entry.record.id, { file, line: entry.line });
      merged.records.push(entry.record);
    }
    for (const p of byLine(problems)) merged.problems.push(p);
    for (const note of source.notes) merged.notes.push(note);
  }
  return merged;
}

export async function readSource(path: string, options: ReadOptions = {}): Promise<SourceResult & { warnings: SourceProblem[] }> {
  return readSources([path], options);
}
