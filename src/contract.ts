// The search contract's constants, declared once for every face of paperseek: the HTTP API's zod
// schemas (api/schemas.ts), the CLI's options, the MCP tools (made of the API's fields) and the
// browser UI, which bundles this file: no imports here, nothing that needs Node.

/** The search modes; the first is the default. */
export const SEARCH_MODES = ['hybrid', 'semantic', 'keyword'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];
export const DEFAULT_MODE: SearchMode = 'hybrid';

/** Results per page: at most MAX_K, DEFAULT_K when not asked. */
export const MAX_K = 100;
export const DEFAULT_K = 10;
/** How deep paging reaches: results to skip, at most. */
export const MAX_OFFSET = 1000;
/** Longest query text (and /recommend text), in characters. */
export const MAX_QUERY_CHARS = 1000;
/** Most paper ids a /recommend list names. */
export const MAX_IDS = 100;

/** A date filter's form: YYYY-MM-DD. */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const DATE_FORM_RULE = 'must be a date YYYY-MM-DD';
export const DATE_CALENDAR_RULE = 'is not a real calendar date';

/** Whether a YYYY-MM-DD text names a day that exists (2024-02-29 does, 2023-02-29 does not). */
export const isCalendarDate = (text: string): boolean => {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
};

/** Whether `text` is a valid date filter: the form and a real day. */
export const isIsoDate = (text: string): boolean => ISO_DATE.test(text) && isCalendarDate(text);
