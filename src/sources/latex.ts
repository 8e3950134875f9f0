// LaTeX accent and special-letter escapes in names, as arXiv metadata writes them
// (`Bal\'azs`, `{\O}bro`, `Tom\'a\v{s}`, `\'{\i}`), decoded to plain Unicode (NFC).
// Meant for author names and similar short metadata only: abstracts keep their LaTeX, where
// `$\alpha$`, `\"` in math or braces carry meaning this decoder would destroy.

// Accents written with a symbol: `\'a`, `\'{a}`, `\' a`, `\'\i`.
const SYMBOL_ACCENTS: Record<string, string> = {
  "'": '\u0301', // acute
  '`': '\u0300', // grave
  '^': '\u0302', // circumflex
  '"': '\u0308', // diaeresis / umlaut
  '~': '\u0303', // tilde
  '=': '\u0304', // macron
  '.': '\u0307', // dot above
};

// Accents written with a letter need a brace group or a space before their base: `\v{c}`, `\c c`.
const LETTER_ACCENTS: Record<string, string> = {
  u: '\u0306', // breve
  v: '\u030C', // caron (háček)
  H: '\u030B', // double acute (Hungarian umlaut)
  c: '\u0327', // cedilla
  k: '\u0328', // ogonek
  r: '\u030A', // ring above
  d: '\u0323', // dot below
  b: '\u0331', // macron below
  t: '\u0361', // tie (over two letters: `\t{oo}`)
};

// Letters with a command of their own. `\i`/`\j` are the dotless letters, used as accent bases.
const LETTERS: Record<string, string> = {
  ss: 'ß',
  o: 'ø',
  O: 'Ø',
  aa: 'å',
  AA: 'Å',
  ae: 'æ',
  AE: 'Æ',
  oe: 'œ',
  OE: 'Œ',
  l: 'ł',
  L: 'Ł',
  i: 'ı',
  j: 'ȷ',
  dh: 'ð',
  DH: 'Ð',
  th: 'þ',
  TH: 'Þ',
  ng: 'ŋ',
  NG: 'Ŋ',
};

// An accent base: one letter, or dotless `\i`/`\j` (the accent replaces the dot: `\'{\i}` = í).
const BASE = String.raw`(?:\\[ij](?![A-Za-z])|[A-Za-z])`;
// A bare `\i` base is a control word too: the space or `{}` after it is eaten (`Mart\'\i nez`).
const EATEN_AFTER_DOTLESS = String.raw`(?:(?<=\\[ij])(?:\{\}|[ \t]+))?`;
const SYMBOL_ACCENT = new RegExp(String.raw`\\([\x27\x60^"~=.])\s*(?:\{\s*(${BASE})?\s*\}|(${BASE})${EATEN_AFTER_DOTLESS})`, 'g');
const LETTER_ACCENT = new RegExp(String.raw`\\([uvHckrdbt])(?:\s*\{\s*(${BASE}{0,2})\s*\}|\s+(${BASE}))`, 'g');
// A control word ends at the first non-letter; TeX eats the space (or empty group) after it.
const LETTER_COMMAND = /\\(ss|aa|AA|ae|AE|oe|OE|dh|DH|th|TH|ng|NG|o|O|l|L|i|j)(?![A-Za-z])(?:\{\}|[ \t]+(?=[A-Za-z]))?/g;
// Escaped punctuation (`\&`, `\_`, `\%`, `\#`, `\$`) and the control space `\ `.
const ESCAPED = /\\([&_%#$ ])/g;
// Font and box commands only style their argument: `\textsc{Smith}` is Smith.
const STYLE_COMMAND = /\\(?:text(?:it|bf|rm|sc|sf|tt|up|md|sl|normal)|emph|mbox|hbox)\s*\{([^{}\\]*)\}/g;
// A brace group with no commands or nested groups left inside: `{Ø}bro`, `{van der Berg}`; not
// the argument of a command left as written (`\foo{x}`), nor an escaped `\{`.
const PLAIN_GROUP = /(?<!\\[A-Za-z]*)\{([^{}\\]*)\}/g;
// An unescaped tie `~` is a non-breaking space in LaTeX (`J.~Smith`).
const TIE = /(^|[^\\])~/g;

function base(raw: string): string {
  // Dotless i/j under an accent is the ordinary letter: `\'{\i}` is í, not ı́.
  if (raw === '\\i') return 'i';
  if (raw === '\\j') return 'j';
  return raw;
}

function accented(letters: string, mark: string): string {
  if (letters === '') return mark; // `\'{}`: the accent alone (rare; keeps the text readable)
  // `\t{oo}` ties two letters; every other accent sits on the one letter.
  const chars = letters.match(/\\[ij]|[A-Za-z]/g) ?? [];
  return chars.length === 2 ? `${base(chars[0]!)}${mark}${base(chars[1]!)}` : `${base(chars[0]!)}${mark}`;
}

/**
 * Decode LaTeX accents (`\'a`, `\'{a}`, `{\'a}`, `\v{c}`, `\c c`…), special letters (`\ss`,
 * `\o`, `\aa`, `\l`, `\i`…) and escaped punctuation (`\&`) to Unicode, drop the grouping braces
 * left around plain text, and return NFC. Commands it does not know are left as written, and so
 * are dashes (`--`). Text without a backslash, brace or tilde is returned unchanged (fast path:
 * this runs on every author of millions of records).
 */
export function decodeLatex(text: string): string {
  if (!/[\\{}~]/.test(text)) return text;
  let out = text
    .replace(SYMBOL_ACCENT, (_m, accent: string, braced: string | undefined, bare: string | undefined) =>
      accented(braced ?? bare ?? '', SYMBOL_ACCENTS[accent]!),
    )
    .replace(LETTER_ACCENT, (_m, accent: string, braced: string | undefined, bare: string | undefined) =>
      accented(braced ?? bare ?? '', LETTER_ACCENTS[accent]!),
    )
    .replace(LETTER_COMMAND, (_m, name: string) => LETTERS[name]!)
    .replace(STYLE_COMMAND, '$1')
    .replace(ESCAPED, '$1')
    .replace(TIE, '$1 ');
  // Inner groups first: `{{\"O}zt\"urk}` needs two passes.
  for (let previous = ''; previous !== out; ) {
    previous = out;
    out = out.replace(PLAIN_GROUP, '$1');
  }
  return out.normalize('NFC');
}
