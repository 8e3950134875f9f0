// Helpers shared by the JSON record mappers (arXiv snapshot, Hugging Face, Semantic Scholar,
// OpenAlex): required text with a hint at where else the text is, names out of object lists,
// optional text into `extra`, and the final buildRecord step.
import { buildRecord, type RecordFields } from '../build-record.ts';
import { type FieldReader, got, isRecord, normalizeSpace, requiredText } from '../fields.ts';
import type { FieldProblem, MappedRecord } from '../record.ts';

/** Put optional text into `extra` under `key` when present (whitespace collapsed). */
export function putText(extra: Record<string, unknown>, key: string, value: unknown, r: FieldReader): void {
  const text = r.text(value, key);
  if (text !== null) extra[key] = text;
}

/** The record skipped because the value is not an object (null entries, stray strings…). */
export function notAnObject(value: unknown, what: string): MappedRecord {
  const hint = value === null ? ' (an API returns null for an id it does not know)' : '';
  return { ok: false, problems: [{ field: '(record)', reason: `${what} must be a JSON object, ${got(value)}${hint}` }], raw: value };
}

/** Finish: buildRecord, and its (rare) failure as a problem. */
export function built(fields: RecordFields, r: FieldReader, raw: unknown): MappedRecord {
  const result = buildRecord(fields);
  if (!result.ok) return { ok: false, problems: [{ field: result.field, reason: result.reason }], raw };
  return { ok: true, record: result.record, warnings: [...r.warnings, ...result.warnings] };
}

const NON_SPACE = /\S/;

/**
 * Required text, as requiredText() (returned as written: buildRecord collapses whitespace), but when it is absent the reason says where the format
 * expects it (`read`, paths like `paper.summary`) and names any place in the record that holds
 * text under another known name (`alternatives`, looked for at the top level and one object
 * down), so a file of a look-alike layout is reported as that rather than as empty records.
 */
export function requiredTextHinted(
  record: Record<string, unknown>,
  value: unknown,
  field: string,
  read: readonly string[],
  alternatives: readonly string[],
  problems: FieldProblem[],
): string | null {
  // The common case, without copying: buildRecord collapses the whitespace once, later.
  if (typeof value === 'string' && NON_SPACE.test(value)) return value;
  const before = problems.length;
  const text = requiredText(value, field, problems);
  if (text !== null || (value !== undefined && value !== null)) return text;
  const problem = problems[before]!;
  const expected = read.map((path) => `\`${path}\``).join(' or ');
  const found = textElsewhere(record, [field, ...alternatives], new Set(read));
  problem.reason =
    found === null
      ? `is required (read from ${expected})`
      : `is required (read from ${expected}); the record has text under \`${found}\` — is this a different layout? ` +
        'Convert it, or read it as generic JSON with a field map';
  return null;
}

/** The first path (`summary`, `item.abstract`) holding non-empty text under one of `names`. */
export function textElsewhere(record: Record<string, unknown>, names: readonly string[], skip: ReadonlySet<string>): string | null {
  const levels: [string, Record<string, unknown>][] = [['', record]];
  for (const [key, inner] of Object.entries(record)) if (isRecord(inner)) levels.push([`${key}.`, inner]);
  for (const [prefix, object] of levels) {
    for (const name of names) {
      const path = `${prefix}${name}`;
      const text = object[name];
      if (!skip.has(path) && typeof text === 'string' && text.trim() !== '') return path;
    }
  }
  return null;
}

/**
 * Names out of a list of objects (`authors[].name`, `authorships[].author.display_name`):
 * `nameOf` picks the name from one entry. Entries without one are dropped with one warning.
 */
export function objectNames(value: unknown, field: string, r: FieldReader, nameOf: (entry: Record<string, unknown>) => unknown): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) return r.warn(field, `must be a list, ${got(value)}; dropped`);
  const names: string[] = [];
  for (const entry of value) {
    const name = isRecord(entry) ? nameOf(entry) : entry;
    if (typeof name === 'string' && name.trim() !== '') names.push(normalizeSpace(name));
  }
  if (names.length < value.length) r.warn(field, `${value.length - names.length} of ${value.length} entries have no name; dropped those`);
  return names.length > 0 ? names : null;
}
