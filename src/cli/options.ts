// Argument parsers and the options several commands share (page size, paging, filters), so
// every command validates and names them the same way as the HTTP API does: the limits come from
// the contract (../contract.ts), dates and categories are parsed with the API's own zod schemas.
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { z } from 'zod';
import { categoryFilter, isoDate } from '../api/schemas.ts';
import { DEFAULT_K, MAX_K, MAX_OFFSET } from '../contract.ts';
import type { PaperFilter } from '../store/filters.ts';

/** A bad combination of arguments found after parsing: exits 2, like commander's own usage errors. */
export class UsageError extends Error {}

export const integerIn =
  (min: number, max: number) =>
  (value: string): number => {
    const number = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || number < min || number > max) throw new InvalidArgumentError(`must be an integer ${min}–${max}`);
    return number;
  };

/** An option argument parsed with an API field's zod schema: the same values pass, with the same reason when they do not. */
const parsedWith =
  (schema: z.ZodType<string, string>) =>
  (value: string): string => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]!.message);
    return parsed.data;
  };

/** --from, --to: the API's `published_from`/`published_to` schema (YYYY-MM-DD, a real day). */
export const parseDate = parsedWith(isoDate);

/** --category: the same zod schema as the API's `category` parameter, so both accept the same values. */
export const parseCategory = parsedWith(categoryFilter);

export interface PageOptions {
  k: number;
  offset: number;
  json?: boolean;
}

export interface FilterOptions {
  from?: string;
  to?: string;
  minUpvotes?: number;
  hasCode?: boolean;
  category?: string;
}

/** -k, --offset, the filters and --json, as `search` and `similar` take them. */
export function addPageOptions(command: Command): Command {
  return command
    .option('-k, --k <n>', `number of results (1–${MAX_K})`, integerIn(1, MAX_K), DEFAULT_K)
    .option('--offset <n>', `results to skip, for paging (0–${MAX_OFFSET})`, integerIn(0, MAX_OFFSET), 0)
    .option('--from <date>', 'only papers published on or after this date (YYYY-MM-DD)', parseDate)
    .option('--to <date>', 'only papers published on or before this date (YYYY-MM-DD)', parseDate)
    .option('--min-upvotes <n>', 'only papers with at least this many upvotes', integerIn(0, 1_000_000_000))
    .addOption(new Option('--has-code', 'only papers with a GitHub link'))
    .addOption(new Option('--no-has-code', 'only papers without a GitHub link'))
    .option('--category <category>', 'only papers in this category: cs.LG exactly, or cs.* for every cs. category (case ignored)', parseCategory)
    .option('--json', 'print the JSON the HTTP API answers instead of a table');
}

export function toFilter(options: FilterOptions): PaperFilter {
  if (options.from && options.to && options.from > options.to) throw new UsageError('--from must not be after --to');
  return { publishedFrom: options.from, publishedTo: options.to, minUpvotes: options.minUpvotes, hasCode: options.hasCode, category: options.category };
}
