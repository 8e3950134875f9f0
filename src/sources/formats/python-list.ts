// Python list reprs of strings, as pandas writes list columns to CSV: `['A. B', "O'Brien", 'x\'y']`.
// Scrapers and Kaggle dumps store authors and categories this way, so the cell is a tiny Python
// literal rather than text to split on commas (names may contain commas; `'` may be escaped).

// Python's single-character escapes; anything else after `\` is kept as written, as Python does.
const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  r: '\r',
  t: '\t',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};
// `\xhh`, `\uhhhh`, `\Uhhhhhhhh`: repr writes non-printable characters this way.
const HEX_ESCAPE_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };

/** Whether the cell looks like a list literal at all (and should not be split as plain text). */
export function looksLikePythonList(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.startsWith('[') && trimmed.endsWith(']');
}

/**
 * The strings of a Python (or JSON) list literal of strings, or null when `text` is not one
 * (unbalanced quotes, a non-string item such as `None` or `3`, text after the `]`).
 * Python 2 `u'...'` items are accepted: older dumps were written by Python 2.
 */
export function parsePythonList(text: string): string[] | null {
  const reader = new Cursor(text.trim());
  if (!reader.take('[')) return null;
  const items: string[] = [];
  reader.skipSpace();
  while (!reader.take(']')) {
    const item = reader.quotedString();
    if (item === null) return null;
    items.push(item);
    reader.skipSpace();
    if (reader.take(','))
      reader.skipSpace(); // also allows the trailing comma Python accepts
    else if (reader.peek() !== ']') return null;
  }
  return reader.atEnd() ? items : null;
}

class Cursor {
  private pos = 0;

  constructor(private readonly text: string) {}

  peek(): string | undefined {
    return this.text[this.pos];
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  take(char: string): boolean {
    if (this.text[this.pos] !== char) return false;
    this.pos++;
    return true;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  /** A `'...'` or `"..."` string literal (optionally `u`-prefixed) with its escapes decoded. */
  quotedString(): string | null {
    if (this.peek() === 'u' || this.peek() === 'U') this.pos++;
    const quote = this.peek();
    if (quote !== "'" && quote !== '"') return null;
    this.pos++;
    let out = '';
    while (this.pos < this.text.length) {
      const char = this.text[this.pos++]!;
      if (char === quote) return out;
      out += char === '\\' ? this.escape() : char;
    }
    return null; // no closing quote
  }

  /** The character(s) an escape stands for; the cursor is just after the backslash. */
  private escape(): string {
    const char = this.text[this.pos];
    if (char === undefined) return '\\';
    this.pos++;
    const simple = SIMPLE_ESCAPES[char];
    if (simple !== undefined) return simple;
    const length = HEX_ESCAPE_LENGTH[char];
    if (length !== undefined) {
      const hex = this.text.slice(this.pos, this.pos + length);
      const code = /^[0-9a-fA-F]+$/.test(hex) && hex.length === length ? Number.parseInt(hex, 16) : NaN;
      if (code <= 0x10ffff) {
        this.pos += length;
        return String.fromCodePoint(code);
      }
    }
    return `\\${char}`;
  }
}
