// Plain-text tables for the terminal: fixed-width columns, the last column (a title) cut to the
// terminal's width (never when piped), and nothing but spaces, so output stays copyable.

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  align?: 'left' | 'right';
}

/**
 * `width`: the line width to fit (the terminal's, lineWidth in context.ts; default: no limit).
 * `below`, when given, adds a second line per row, aligned under the last column (e.g. an id
 * under a title), so long values do not squeeze each other.
 */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[], options: { width?: number; below?: (row: T) => string } = {}): string {
  const width = options.width ?? Number.POSITIVE_INFINITY;
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((row) => row[i]!.length)));
  // The last column takes what is left of the line, at least 20 characters.
  const fixed = widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0);
  widths[widths.length - 1] = Math.max(20, Math.min(widths.at(-1)!, width - fixed));
  const line = (values: string[]) =>
    values
      .map((value, i) => {
        const w = widths[i]!;
        const text = value.length > w ? `${value.slice(0, w - 1)}…` : value;
        return columns[i]!.align === 'right' ? text.padStart(w) : i === values.length - 1 ? text : text.padEnd(w);
      })
      .join('  ');
  const indent = ' '.repeat(fixed);
  // The second line is never cut: it is meant to be copied (an id).
  const lines = cells.flatMap((row, i) => (options.below ? [line(row), `${indent}${options.below(rows[i]!)}`] : [line(row)]));
  return [line(columns.map((c) => c.header)), ...lines].join('\n');
}

/** A number with `digits` decimals, or '-' when absent. */
export const figure = (value: number | null | undefined, digits = 3): string => (value === null || value === undefined ? '-' : value.toFixed(digits));

/** Two-column "name  value" lines, names padded to one width. */
export function keyValues(pairs: readonly [string, string][]): string {
  const width = Math.max(...pairs.map(([name]) => name.length));
  return pairs.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join('\n');
}
