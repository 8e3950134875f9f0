// The zod schema for one JSON input record and its mapping to a PaperRecord.
// Problems come back as {field, reason} with readable reasons, ready to show next to a line number.

import { z } from 'zod';
import { buildRecord } from './build-record.ts';
import { got, isRecord, parseDoi, parseIsoDate } from './fields.ts';
import { parseHttpUrl } from './links.ts';
import type { FieldProblem, MappedRecord } from './record.ts';

export type { FieldProblem };
export type JsonRecordResult = MappedRecord;

const requiredText = (what: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be ${what}, ${got(issue.input)}`) })
    .trim()
    .min(1, { error: 'must not be empty' });

// Optional fields accept null as "absent": exported datasets routinely write null for gaps.
const count = (what: string) =>
  z
    .number({ error: (issue) => `must be ${what}, ${got(issue.input)}` })
    .int({ error: (issue) => `must be a whole number, ${got(issue.input)}` })
    .min(0, { error: (issue) => `must not be negative, ${got(issue.input)}` });

// An empty string is how many datasets spell "no link", so it means absent rather than invalid.
const optionalUrl = z
  .string({ error: (issue) => `must be a URL string, ${got(issue.input)}` })
  .trim()
  .refine((s) => s === '' || parseHttpUrl(s) !== null, { error: (issue) => `must be an http(s) URL, ${got(issue.input)}` })
  .transform((s) => (s === '' ? null : s))
  .nullish();

// The date is kept as written (first 10 characters), not shifted to UTC: a paper dated
// 2024-11-25 in its own time zone is listed on that day.
const isoDate = () =>
  z
    .string({ error: (issue) => `must be a date string like 2024-11-25, ${got(issue.input)}` })
    .trim()
    .refine((text) => parseIsoDate(text) !== null, { error: (issue) => `must be a date like 2024-11-25 or an ISO datetime, ${got(issue.input)}` })
    .transform((s) => s.slice(0, 10))
    .nullish();

export const jsonRecordSchema = z.object(
  {
    // Many datasets number their records; a numeric id is stringified rather than rejected.
    id: z
      .union([z.string().trim().min(1, { error: 'must not be empty' }), z.number()], {
        error: (issue) => `must be a non-empty string or a number, ${got(issue.input)}`,
      })
      .transform((id) => String(id))
      .nullish(),
    title: requiredText('a string'),
    abstract: requiredText('a string'),
    authors: z
      .union(
        [
          z.array(
            z.union([requiredText('an author name'), z.object({ name: requiredText('an author name') }).transform((a) => a.name)], {
              error: (issue) => `must be an author name, ${got(issue.input)}`,
            }),
          ),
          count('a list of author names or an author count'),
          z.string().trim().min(1).transform(splitAuthorList),
        ],
        { error: (issue) => `must be a list of author names or an author count, ${got(issue.input)}` },
      )
      .nullish(),
    // Accepted so records exported by this tool (count only) read back without loss.
    authors_count: count('an author count').nullish(),
    published: isoDate(),
    updated: isoDate(),
    // A list, or one string separated by spaces (arXiv) or commas/semicolons.
    categories: z
      .union([z.array(requiredText('a category')), z.string().transform((s) => s.split(/[\s,;]+/).filter((c) => c !== ''))], {
        error: (issue) => `must be a list of categories or a space-separated string, ${got(issue.input)}`,
      })
      .nullish(),
    doi: z
      .string({ error: (issue) => `must be a DOI string, ${got(issue.input)}` })
      .refine((s) => s.trim() === '' || parseDoi(s) !== null, { error: (issue) => `must be a DOI like 10.1234/abc, ${got(issue.input)}` })
      .transform((s) => parseDoi(s))
      .nullish(),
    upvotes: count('an upvote count').nullish(),
    url: optionalUrl,
    github_url: optionalUrl,
    project_url: optionalUrl,
  },
  { error: (issue) => `a record must be a JSON object, ${got(issue.input)}` },
);

const KNOWN_FIELDS = new Set(Object.keys(jsonRecordSchema.shape));

/**
 * A union reports "invalid_union" with one issue list per branch. When the value has the type
 * of exactly one branch (e.g. an array for `authors`), that branch's own issues are the useful
 * ones (`authors.2: must be an author name`), so report those instead of the union summary.
 */
function flatten(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union') {
      const matching = issue.errors.filter((branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0));
      if (matching.length === 1) {
        problems.push(...flatten(matching[0]!, path));
        continue;
      }
    }
    problems.push({ field: path.length === 0 ? '(record)' : path.map(String).join('.'), reason: issue.message });
  }
  return problems;
}

/** "A. Lee, B. Chen and C. Diaz" → names; `;` separates when present (names may then hold commas). */
function splitAuthorList(text: string): string[] {
  const parts = text.includes(';') ? text.split(';') : text.split(/,|\band\b/);
  return parts.map((part) => part.trim().replace(/^and\s+/, '')).filter((part) => part !== '');
}

// Without these a record cannot be indexed at all; any other field is dropped when unreadable.
const REQUIRED = new Set(['title', 'abstract', '(record)']);

/** Where another known format keeps the text this record lacks: the hint for the skip message. */
const ELSEWHERE: Record<string, [key: string, hint: string][]> = {
  abstract: [
    ['summary', 'the Hugging Face API and arXiv Atom call it summary: use --format hf-api, or --map abstract=summary'],
    ['abstract_inverted_index', 'an OpenAlex work: use --format openalex'],
    ['paperAbstract', 'an old Semantic Scholar corpus record: use --map abstract=paperAbstract'],
    ['paper', 'a Hugging Face Daily Papers item (the paper is nested under "paper"): use --format hf-api'],
  ],
  title: [
    ['display_name', 'an OpenAlex work: use --format openalex'],
    ['paper', 'a Hugging Face Daily Papers item (the paper is nested under "paper"): use --format hf-api'],
  ],
};

function withHint(problem: FieldProblem, value: Record<string, unknown>): FieldProblem {
  const other = ELSEWHERE[problem.field]?.find(([key]) => key in value);
  return other && problem.reason === 'is required' ? { ...problem, reason: `is required; the record has "${other[0]}" (${other[1]})` } : problem;
}

/**
 * Validate one JSON value and map it to a PaperRecord; unknown fields are kept in `extra`.
 * A bad title or abstract skips the record (with every problem found); a bad optional field is
 * dropped with a warning and the record kept.
 */
export function parseJsonRecord(value: unknown): JsonRecordResult {
  // JSON readers round integers past 2^53: 12345678901234567891 would be stored as …7000, a
  // different paper's id. Skipped, never rounded.
  if (isRecord(value) && typeof value.id === 'number' && Number.isInteger(value.id) && !Number.isSafeInteger(value.id)) {
    const reason = `is a number beyond ${Number.MAX_SAFE_INTEGER}, which JSON readers round (read as ${value.id}); write the id as a string`;
    return { ok: false, problems: [{ field: 'id', reason }], raw: value };
  }
  const parsed = jsonRecordSchema.safeParse(value);
  if (!parsed.success) {
    const problems = flatten(parsed.error.issues);
    const fatal = problems.some((p) => REQUIRED.has(p.field.split('.')[0]!));
    if (fatal) return { ok: false, problems: isRecord(value) ? problems.map((p) => withHint(p, value)) : problems, raw: value };
    // Drop the unreadable optional fields and read the rest.
    const bad = new Set(problems.map((p) => p.field.split('.')[0]!));
    const kept = Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([key]) => !bad.has(key)));
    const retried = parseJsonRecord(kept);
    return retried.ok ? { ...retried, warnings: [...problems, ...retried.warnings] } : retried;
  }
  const data = parsed.data;

  // fromEntries defines own properties, so even a "__proto__" key is kept as plain data.
  const extra = Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([key]) => !KNOWN_FIELDS.has(key)));

  const warnings: FieldProblem[] = [];
  const names = Array.isArray(data.authors) ? data.authors : null;
  const counted = names?.length ?? (typeof data.authors === 'number' ? data.authors : null);
  let declared = data.authors_count ?? null;
  if (counted !== null && declared !== null && counted !== declared) {
    warnings.push({ field: 'authors_count', reason: `is ${declared} but authors says ${counted}; kept the count of authors` });
    declared = null;
  }

  const built = buildRecord({
    id: data.id ?? null,
    title: data.title,
    abstract: data.abstract,
    authors: names,
    authors_count: counted ?? declared,
    published: data.published ?? null,
    updated: data.updated ?? null,
    categories: data.categories && data.categories.length > 0 ? data.categories : null,
    doi: data.doi ?? null,
    upvotes: data.upvotes ?? null,
    url: data.url ?? null,
    github_url: data.github_url ?? null,
    project_url: data.project_url ?? null,
    extra,
  });
  return built.ok
    ? { ok: true, record: built.record, warnings: [...warnings, ...built.warnings] }
    : { ok: false, problems: [{ field: built.field, reason: built.reason }], raw: value };
}
