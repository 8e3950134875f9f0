// Entry point for reading paper sources: picks the parser from the file extension and merges
// several files, keeping the first record for an id that appears in more than one.

import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { AppError } from '../errors.ts';
import { parseHfPage } from './hf-page.ts';
import { parseJsonArray, parseJsonLines } from './jsonl.ts';
import { byLine, dropDuplicateIds, type FirstSeen, type LocatedResult } from './located.ts';
import type { ReadOptions, SourceResult } from './record.ts';

export type { PaperRecord, ReadOptions, SourceProblem, SourceResult } from './record.ts';
export { titleSlug } from './slug.ts';
export { findLinks } from './links.ts';
export { parseJsonRecord } from './json-records.ts';

export const SUPPORTED_EXTENSIONS = ['.txt', '.jsonl', '.ndjson', '.json'] as const;

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'file not found',
  EISDIR: 'is a directory, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = (code !== undefined && READ_ERRORS[code]) || (error instanceof Error ? error.message : String(error));
    throw new AppError('BAD_INPUT_FILE', `cannot read ${path}: ${reason}`, { file: path }, { cause: error });
  }
}

async function readLocated(path: string, options: ReadOptions): Promise<LocatedResult> {
  const extension = extname(path).toLowerCase();
  if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(extension)) {
    throw new AppError(
      'BAD_INPUT_FILE',
      `unsupported source file ${path}: expected one of ${SUPPORTED_EXTENSIONS.join(', ')} ` +
        '(.txt = Hugging Face papers page dump, .jsonl/.ndjson = JSON Lines, .json = JSON array)',
    );
  }
  const text = await readText(path);
  switch (extension) {
    case '.txt':
      return parseHfPage(text, path, options);
    case '.json':
      // Some tools write JSON Lines under a .json name; only an array is read as one.
      return /^\uFEFF?\s*\[/.test(text) ? parseJsonArray(text, path) : parseJsonLines(text, path);
    default:
      return parseJsonLines(text, path);
  }
}

function unlocate(result: LocatedResult): SourceResult {
  return { records: result.records.map((r) => r.record), problems: result.problems, notes: result.notes };
}

/**
 * Read one source file. Throws (with the path in the message) when the extension is not
 * supported or the file cannot be read; bad records are returned as problems instead.
 */
export async function readSource(path: string, options: ReadOptions = {}): Promise<SourceResult> {
  return unlocate(await readLocated(path, options));
}

/**
 * Read several files in order and concatenate their results. An id already read from an
 * earlier file is reported on the later occurrence and that record dropped.
 */
export async function readSources(paths: readonly string[], options: ReadOptions = {}): Promise<SourceResult> {
  const seen = new Map<string, FirstSeen>();
  const merged: SourceResult = { records: [], problems: [], notes: [] };
  for (const path of paths) {
    const result = await readLocated(path, options);
    const { kept, problems } = dropDuplicateIds(result.records, path, seen);
    merged.records.push(...kept.map((r) => r.record));
    merged.problems.push(...byLine([...result.problems, ...problems]));
    merged.notes.push(...result.notes);
  }
  return merged;
}
