// Randomized hostile requests for the API fuzz test, drawn from a seeded PRNG so a failure
// reproduces from its seed. `valid: true` marks requests built to be well-formed: they must answer 200.
import { mulberry32 } from '../../scripts/test-model/prng.ts';

export interface FuzzRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer>;
  /** Built from valid parameters only: anything but 200 is a failure. */
  valid: boolean;
}

export const KNOWN_PAPER = 'factorized-visual-tokenization-and-generation';
export const SECOND_PAPER = 'disenbooth-identity-preserving-disentangled-tuning-for-subject-driven-text-to-im';

/** Text that is hostile to FTS5, SQL, tokenizers or JSON, mixed into otherwise ordinary words. */
export const HOSTILE = [
  '"',
  '""',
  '"unbalanced',
  'unbalanced"',
  '*',
  'diff*',
  '^diffusion',
  'NEAR(',
  'NEAR(a b, 2)',
  'a NEAR/3 b',
  '-',
  '-diffusion',
  'OR',
  'AND',
  'NOT',
  'OR OR',
  'AND NOT',
  '(',
  ')',
  '(a OR b',
  'title:',
  'title:diffusion',
  'abstract:x',
  '{title abstract}:x',
  '{',
  '}',
  '{}',
  ':',
  '+',
  '^',
  "'",
  "' OR 1=1 --",
  "'; DROP TABLE papers; --",
  '"; DELETE FROM papers_fts; --',
  '%',
  '_',
  '\\',
  'papers_fts MATCH',
  'rank',
  'bm25(papers_fts)',
  '1=1',
  '/*',
  '*/',
  '--',
  ';',
  'NULL',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  '$where',
  '{"$gt": ""}',
  '<script>alert(1)</script>',
  '&amp;',
  '<mark>',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF',
  '\uDBFF\uDFFF',
  '\u202E',
  '\u200F',
  '\u200B',
  '\uFEFF',
  'e\u0301\u0301\u0301',
  'Z\u0351\u0353\u035A\u0336',
  '👩‍👩‍👧‍👦',
  '🏳️‍🌈',
  'ﷺ',
  'ß',
  'İ',
  'ﬁ',
  '１２３',
  'Ω',
  'שלום',
  'مرحبا',
  '日本語',
  '\t',
  '\n',
  '\r\n',
  ' ',
  '\u00A0',
  '\u3000',
  '\x7F',
  '\x1B[31m',
];
const WORDS = ['diffusion', 'disentanglement', 'representation', 'learning', 'tokenizer', 'model', 'image', 'in', 'the', 'of', 'latent'];
const BAD_NUMBERS = [
  '',
  '-1',
  '0',
  '1e309',
  '-1e309',
  'NaN',
  'Infinity',
  '0x10',
  '1.5',
  ' 5',
  '99999999999999999999',
  '-0',
  '1e2',
  'abc',
  '5abc',
  '[]',
  '{}',
  'true',
  '__proto__',
  '\u0000',
  '٣',
  '1_000',
];
const BAD_DATES = [
  '2024-02-30',
  '0000-00-00',
  '9999-99-99',
  '2024-1-1',
  '2024/01/01',
  '20240101',
  '2024-01-01T00:00:00Z',
  '-2024-01-01',
  '',
  'yesterday',
  '2024-13-01',
];
/** With the u flag, \p{Cs} matches only surrogates that are not part of a pair. */
const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATES = /\p{Cs}/gu;
const MODES = ['hybrid', 'semantic', 'keyword'] as const;
const BAD_ENCODINGS = ['%', '%Z', '%ZZ', '%C3', '%C3%28', '%ED%A0%80', '%FF', '%E0%A4', '%F4%90%80%80', '%C0%AF', '%00', '%25', '%2', '+', '%2B'];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'application/vnd.api+json',
  'APPLICATION/JSON',
  'json',
  '',
];
const METHODS = ['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'POST', 'GET'];

export function fuzzRequests(seed: number, count: number): FuzzRequest[] {
  const random = mulberry32(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const chance = (p: number) => random() < p;

  const randomCodeUnits = (length: number) => String.fromCharCode(...Array.from({ length }, () => int(0x10000)));
  const hostileText = (): string => {
    const parts = Array.from({ length: 1 + int(6) }, () => (chance(0.6) ? pick(HOSTILE) : chance(0.5) ? pick(WORDS) : randomCodeUnits(1 + int(4))));
    let text = parts.join(pick([' ', '', '  ', '\t']));
    if (chance(0.05)) text = text.repeat(1 + int(400)); // sometimes past the 1000-character limit
    return text;
  };
  /** Text that passes validation: well-formed UTF-16, 1–1000 characters after trimming. */
  const validText = (): string => {
    const text = hostileText().slice(0, 1000).replace(LONE_SURROGATES, '\uFFFD');
    return text.trim().length > 0 ? text : `${pick(WORDS)} ${text}`.slice(0, 1000).replace(LONE_SURROGATES, '\uFFFD');
  };
  /** Percent-encodes, with lone surrogates as their (invalid) UTF-8 bytes, as a sloppy client would. */
  const encode = (text: string): string => {
    if (!LONE_SURROGATE.test(text)) return encodeURIComponent(text);
    return [...text]
      .map((ch) => (!LONE_SURROGATE.test(ch) ? encodeURIComponent(ch) : `%ED%${(0xa0 + ((ch.charCodeAt(0) >> 6) & 0x1f)).toString(16)}%80`))
      .join('');
  };
  const anyValue = (): string => {
    const roll = int(6);
    if (roll === 0) return pick(BAD_NUMBERS);
    if (roll === 1) return pick(BAD_ENCODINGS);
    if (roll === 2) return String(int(200) - 50);
    if (roll === 3) return encode(hostileText());
    if (roll === 4) return pick(BAD_DATES);
    return encode(pick(MODES));
  };
  const query = (params: [string, string][]) => (params.length === 0 ? '' : '?' + params.map(([k, v]) => (v === '\0novalue' ? k : `${k}=${v}`)).join('&'));

  /** Valid filter and paging parameters, already encoded. */
  const validFilters = (): [string, string][] => {
    const params: [string, string][] = [];
    if (chance(0.5)) params.push(['k', String(1 + int(100))]);
    if (chance(0.3)) params.push(['offset', String(int(1001))]);
    if (chance(0.2)) params.push(['published_from', `202${int(6)}-0${1 + int(9)}-1${int(10)}`]);
    if (chance(0.2)) params.push(['min_upvotes', String(int(50))]);
    if (chance(0.2)) params.push(['has_code', pick(['true', 'false', '1', '0'])]);
    if (chance(0.2)) params.push(['category', pick(['cs.LG', 'cs.*', 'cs.', 'hep-ph', 'Computer%20Science', 'x*'])]);
    return params;
  };
  /** Start from valid parameters, then break some: wrong values, junk names, repeats, bad encodings. */
  const mangle = (params: [string, string][], names: readonly string[]): [string, string][] => {
    const out = [...params];
    for (let i = 0, n = 1 + int(3); i < n; i++) {
      const roll = int(7);
      if (roll <= 2) out.push([pick(names), anyValue()]);
      else if (roll === 3 && out.length > 0)
        out.push(pick(out)); // repeated parameter
      else if (roll === 4)
        out.push([pick(['__proto__', 'constructor', 'prototype', '', 'q[]', 'k[0]', '%ZZ', encode(hostileText()).slice(0, 50)]), anyValue()]);
      else if (roll === 5 && out.length > 0) out.splice(int(out.length), 1);
      else out.push([pick(names), '\0novalue']);
    }
    return out;
  };

  const searchNames = ['q', 'mode', 'k', 'offset', 'published_from', 'published_to', 'min_upvotes', 'has_code', 'category'];
  const similarNames = searchNames.slice(2);

  const search = (): FuzzRequest => {
    const params: [string, string][] = [['q', encode(validText())], ['mode', pick(MODES)], ...validFilters()];
    // Keyword and hybrid mode with hostile text, otherwise valid: FTS5 must never see syntax.
    if (chance(0.35)) return { method: 'GET', path: '/search' + query(params), valid: true };
    return { method: 'GET', path: '/search' + query(mangle(params, searchNames)), valid: false };
  };
  const paperId = (): string => {
    const roll = int(8);
    if (roll === 0) return KNOWN_PAPER;
    if (roll === 1) return 'x'.repeat(400 + int(300));
    if (roll === 2) return pick(BAD_ENCODINGS);
    if (roll === 3)
      return pick([
        '..',
        '.',
        '%2e%2e',
        '%2F',
        'a%2Fb',
        'a/b',
        'a/b/similar',
        'hep-ph/0307015',
        '/',
        'a//b',
        '__proto__',
        'constructor',
        '%00',
        ' ',
        "'; DROP TABLE papers; --",
      ]);
    return encode(hostileText());
  };
  const paper = (): FuzzRequest => {
    const id = paperId();
    const junk = chance(0.2) ? query(mangle([], similarNames)) : '';
    return { method: 'GET', path: `/papers/${id}${junk}`, valid: id === KNOWN_PAPER && junk === '' };
  };
  const similar = (): FuzzRequest => {
    const known = chance(0.5);
    const params = validFilters();
    if (known && chance(0.4)) return { method: 'GET', path: `/papers/${KNOWN_PAPER}/similar${query(params)}`, valid: true };
    return { method: 'GET', path: `/papers/${known ? KNOWN_PAPER : paperId()}/similar${query(mangle(params, similarNames))}`, valid: false };
  };

  const jsonValue = (depth = 0): unknown => {
    const roll = int(depth > 2 ? 7 : 10);
    if (roll === 0) return null;
    if (roll === 1) return pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 101, 1001, Number.MIN_VALUE]);
    if (roll === 2) return chance(0.5);
    if (roll === 3) return hostileText();
    if (roll === 4) return KNOWN_PAPER;
    if (roll === 5) return pick(BAD_DATES);
    if (roll === 6) return '';
    if (roll === 7) return Array.from({ length: pick([0, 1, 2, 101, 150]) }, () => jsonValue(depth + 1));
    if (roll === 8) return { __proto__: jsonValue(depth + 1), constructor: jsonValue(depth + 1) };
    return [hostileText()];
  };
  const validBody = (): Record<string, unknown> => {
    const [positive, negative] = chance(0.5) ? [KNOWN_PAPER, SECOND_PAPER] : [SECOND_PAPER, KNOWN_PAPER];
    const body: Record<string, unknown> = { positive: [positive] };
    if (chance(0.3)) body.negative = [negative];
    if (chance(0.4)) body.text = validText();
    if (chance(0.4)) body.k = 1 + int(100);
    if (chance(0.2)) body.offset = int(1001);
    if (chance(0.2)) body.has_code = chance(0.5);
    if (chance(0.2)) body.min_upvotes = int(20);
    if (chance(0.2)) body.category = pick(['cs.LG', 'cs.*', 'hep-ph']);
    return body;
  };
  const recommend = (): FuzzRequest => {
    const json = { 'content-type': 'application/json' };
    const roll = int(10);
    if (roll <= 2) {
      const body = JSON.stringify(validBody());
      return { method: 'POST', path: '/recommend', headers: json, body, valid: true };
    }
    if (roll <= 5) {
      const body = validBody();
      for (let i = 0, n = 1 + int(3); i < n; i++)
        body[pick(['positive', 'negative', 'text', 'k', 'offset', 'published_from', 'published_to', 'min_upvotes', 'has_code', 'category', 'extra'])] =
          jsonValue();
      let text = JSON.stringify(body);
      if (chance(0.3)) text = text.replace('{', '{"__proto__": {"k": 1, "positive": 5}, ');
      return { method: 'POST', path: '/recommend', headers: json, body: text, valid: false };
    }
    if (roll === 6) {
      const text = JSON.stringify(validBody());
      const broken = pick([
        text.slice(0, int(text.length)),
        text + '}',
        text.replace(':', ''),
        "{'positive': ['x']}",
        '',
        'null',
        '[]',
        '"x"',
        '1e309',
        '['.repeat(1 + int(20000)),
        '{"positive":["\\ud800"]}',
        '{"a":1,}',
      ]);
      return { method: 'POST', path: '/recommend', headers: json, body: broken, valid: false };
    }
    if (roll === 7) {
      const bytes = Uint8Array.from({ length: 1 + int(200) }, () => int(256));
      return { method: 'POST', path: '/recommend', headers: json, body: bytes, valid: false };
    }
    if (roll === 8) {
      const type = pick(CONTENT_TYPES);
      return {
        method: 'POST',
        path: '/recommend',
        headers: type ? { 'content-type': type } : {},
        body: JSON.stringify(validBody()),
        valid: type.startsWith('application/json'),
      };
    }
    const huge = JSON.stringify({ positive: [KNOWN_PAPER], text: 'x'.repeat(65 * 1024 + int(200_000)) });
    return { method: 'POST', path: '/recommend', headers: json, body: huge, valid: false };
  };

  const other = (): FuzzRequest => {
    const roll = int(8);
    const junk = chance(0.5) ? query(mangle([], ['x', 'q', 'k'])) : '';
    if (roll === 0) return { method: 'GET', path: '/health' + junk, valid: junk === '' };
    if (roll === 1) return { method: 'GET', path: '/openapi.json' + junk, valid: junk === '' };
    if (roll === 2) return { method: 'GET', path: '/docs' + junk, valid: junk === '' };
    if (roll === 3) return { method: 'GET', path: '/' + junk, valid: junk === '' };
    if (roll === 4)
      return {
        method: 'GET',
        path: `/docs/assets/${pick(['__proto__', 'constructor', 'toString', '..%2F..%2Fpackage.json', 'swagger-ui.css', '%ZZ', encode(hostileText())])}`,
        valid: false,
      };
    if (roll === 5)
      return { method: pick(METHODS), path: pick(['/search?q=x', '/health', `/papers/${KNOWN_PAPER}`, '/recommend', '/openapi.json']), valid: false };
    if (roll === 6) return { method: 'GET', path: '/search?q=' + 'x'.repeat(17_000 + int(10_000)), valid: false }; // past Node's header limit
    return { method: 'GET', path: '/' + encode(hostileText()) + junk, valid: false };
  };

  const makers = [search, search, search, paper, similar, recommend, recommend, other];
  return Array.from({ length: count }, () => pick(makers)());
}
