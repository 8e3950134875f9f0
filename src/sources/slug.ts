// Title slugs: the stable paper id used when a source gives none.
// The rule is shared with the evaluation queries (../shared/eval/README.md), so it must not drift.

/** Longest slug kept; long titles are cut so ids stay readable in URLs and logs. */
export const MAX_SLUG_LENGTH = 80;

/**
 * Lowercase the title, turn every run of characters outside `a-z0-9` into one `-`,
 * trim `-` at both ends, cut to 80 characters and trim a trailing `-` again
 * (the cut can land right after a dash).
 *
 * Accented and non-Latin letters count as "outside a-z0-9" on purpose: the eval ids
 * were built with exactly this rule, and transliterating would change them.
 * A title with no ASCII letters or digits gives the empty string; callers must treat
 * that as "no usable id".
 */
export function titleSlug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/, '');
}
