// How large one record may be. Every source goes through these bounds (in buildRecord and the
// streaming readers), so no single record can stall a query, exhaust memory or abort an ingest:
// a 1 MB abstract made FTS5 highlighting take minutes, a 5,000-deep extra field broke hashing,
// a 200 MB record killed the process (issue 16).

export const RECORD_LIMITS = {
  /** The longest id the HTTP API can address (`/papers/:id`). */
  idChars: 500,
  /** Longer is not a title: usually the abstract or a full text in the title column. */
  titleChars: 2_000,
  /**
   * Longer abstracts are cut at a word boundary, with a warning. Real abstracts stay under ~5,000
   * characters; beyond 50,000 it is a full text, whose every keyword match would cost highlighting
   * time in search results, and the model only reads its first few hundred tokens anyway.
   */
  abstractChars: 50_000,
  /** Author names kept (large collaborations list 3,000+); authors_count keeps the real number. */
  authors: 1_000,
  authorChars: 500,
  /** Extra fields nested deeper or larger than this (as JSON) are dropped with a warning. */
  extraDepth: 16,
  extraBytes: 64 * 1024,
  /** A JSON line or JSON document element larger than this is skipped without being buffered whole. */
  recordBytes: 16 * 1024 * 1024,
} as const;

/** Nesting depth of a JSON-like value, counted without recursion (so any depth is safe to measure); stops past `limit`. */
export function depthOver(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

/** The value as JSON text when it is shallow and small enough to be written out, else undefined. */
export function boundedJson(value: unknown, maxBytes: number = RECORD_LIMITS.extraBytes): string | undefined {
  if (value === undefined || depthOver(value, RECORD_LIMITS.extraDepth * 2)) return undefined;
  const text = JSON.stringify(value);
  return text.length <= maxBytes ? text : undefined;
}

/** `text` cut to at most `max` characters, at the last space before the cut when there is one nearby. */
export function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const space = text.lastIndexOf(' ', max - 1);
  return `${text.slice(0, space > max - 200 ? space : max - 1)}…`;
}
