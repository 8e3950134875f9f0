// Which record shape a JSON / JSON Lines file holds, decided from its first record (or forced with
// --format), and the mapping of every item of the file with that shape's mapper.
import { isRecord } from './fields.ts';
import { looksLikeArxivSnapshot, mapArxivSnapshot } from './formats/arxiv-snapshot.ts';
import { looksLikeHfApi, mapHfApi } from './formats/hf-api.ts';
import { looksLikeOpenAlex, mapOpenAlex } from './formats/openalex.ts';
import { looksLikeSemanticScholar, mapSemanticScholar } from './formats/semantic-scholar.ts';
import { parseJsonRecord } from './json-records.ts';
import type { JsonItem } from './json-stream.ts';
import type { MappedRecord, SourceEntry } from './record.ts';

interface JsonFormat {
  name: string;
  looksLike(value: unknown): boolean;
  map(value: unknown): MappedRecord;
}

// Checked in this order; the generic paperseek record shape is the fallback.
const KNOWN: readonly JsonFormat[] = [
  { name: 'arxiv-snapshot', looksLike: looksLikeArxivSnapshot, map: mapArxivSnapshot },
  { name: 'hf-api', looksLike: looksLikeHfApi, map: mapHfApi },
  { name: 'semantic-scholar', looksLike: looksLikeSemanticScholar, map: mapSemanticScholar },
  { name: 'openalex', looksLike: looksLikeOpenAlex, map: mapOpenAlex },
];
const GENERIC: JsonFormat = { name: 'json', looksLike: () => true, map: parseJsonRecord };

export const JSON_FORMAT_NAMES: readonly string[] = [...KNOWN.map((f) => f.name), GENERIC.name];

export interface JsonEntryOptions {
  format?: string;
  /** paperseek field → the key that holds it in these records (generic shape only). */
  fieldMap?: Record<string, string>;
  /** Receives remarks such as the number of null entries ignored. */
  notes: string[];
  file: string;
}

/** Renames keys for the generic mapper: `{abstract: 'summary'}` reads the abstract from `summary`. */
function remap(value: unknown, fieldMap: Record<string, string>): unknown {
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = { ...value };
  for (const [field, key] of Object.entries(fieldMap)) {
    if (key in value) {
      out[field] = value[key];
      if (key !== field) delete out[key];
    }
  }
  return out;
}

/**
 * A saved API list response (`{"data": […]}`, `{"meta": …, "results": […]}`) is a wrapper of
 * records, also when a file holds one response per line; anything else is one record.
 */
function recordsIn(value: unknown): unknown[] {
  if (isRecord(value) && !('title' in value)) {
    for (const key of ['results', 'data']) if (Array.isArray(value[key])) return value[key] as unknown[];
  }
  return [value];
}

export function jsonEntries(items: AsyncIterable<JsonItem>, options: JsonEntryOptions): { entries: AsyncGenerator<SourceEntry>; format(): string } {
  let chosen: JsonFormat | undefined = [...KNOWN, GENERIC].find((f) => f.name === options.format);
  const map = (value: unknown): MappedRecord => {
    chosen ??= KNOWN.find((f) => f.looksLike(value)) ?? GENERIC;
    const fieldMap = options.fieldMap;
    return chosen === GENERIC && fieldMap ? GENERIC.map(remap(value, fieldMap)) : chosen.map(value);
  };
  async function* entries(): AsyncGenerator<SourceEntry> {
    let nulls = 0;
    for await (const item of items) {
      if ('invalid' in item) {
        yield { ok: false, line: item.line, problems: [{ field: item.field, reason: item.invalid }] };
        continue;
      }
      for (const value of recordsIn(item.value)) {
        // Batch APIs (Semantic Scholar /paper/batch) answer null for an id they do not know: no paper, not a bad record.
        if (value === null) {
          nulls++;
          continue;
        }
        const mapped = map(value);
        yield mapped.ok ? { ...mapped, line: item.line } : { ok: false, line: item.line, problems: mapped.problems, raw: value };
      }
    }
    if (nulls > 0) options.notes.push(`${options.file}: ignored ${nulls} null entr${nulls === 1 ? 'y' : 'ies'} (what batch APIs return for an unknown id)`);
  }
  return { entries: entries(), format: () => chosen?.name ?? 'json' };
}
