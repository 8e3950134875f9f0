// The category filter's syntax and meaning, in one place for the API (zod), the CLI, the web UI
// (which bundles this file: no imports here) and the SQL that applies it (./filters.ts).
//   cs.LG, hep-ph, Computer Science  → that category exactly
//   cs.*, cs.                        → every category that starts with `cs.`
// Matching ignores ASCII case (paper_categories is COLLATE NOCASE), so `cs.lg` finds `cs.LG`.

/** 1–64 letters, digits, `.`, `-`, `_` or spaces, then an optional `*`. */
export const CATEGORY_PATTERN = /^[A-Za-z0-9.\-_ ]{1,64}\*?$/;

export const CATEGORY_RULE = "must be 1–64 letters, digits, '.', '-', '_' or spaces, optionally ending in '*' (e.g. cs.LG, hep-ph or cs.*)";

export type CategoryMatch = { exact: string } | { from: string; below: string };

/**
 * What a valid filter value matches: one category, or the half-open range of categories that
 * start with a prefix (`*` or a final `.` makes a prefix). The range is computed on the
 * lower-cased prefix because NOCASE compares lower-cased text: `cs.` ≤ category < `cs/`.
 */
export function categoryMatch(value: string): CategoryMatch {
  const prefix = value.endsWith('*') ? value.slice(0, -1) : value.endsWith('.') ? value : undefined;
  if (prefix === undefined) return { exact: value };
  const from = prefix.toLowerCase();
  // Every allowed character is ASCII below U+007F, so the next code point is never out of range.
  const below = from.slice(0, -1) + String.fromCharCode(from.charCodeAt(from.length - 1) + 1);
  return { from, below };
}
