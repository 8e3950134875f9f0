// Finding code and project links inside abstract text (arXiv abstracts often end with one).
// The abstract itself is never modified; we only read URLs out of it.

export interface AbstractLinks {
  github_url: string | null;
  project_url: string | null;
}

// A URL runs until whitespace or a character that cannot appear unescaped in one.
const URL_PATTERN = /https?:\/\/[^\s<>"`{}|\\^]+/gi;

// Sentence punctuation and closing quotes that end up glued to a URL in prose.
const TRAILING_PUNCTUATION = new Set(['.', ',', ';', ':', '!', '?', "'", '"', '”', '’', '»', '…', ')', ']']);

function count(text: string, ch: string): number {
  let n = 0;
  for (const c of text) if (c === ch) n++;
  return n;
}

/**
 * Strip punctuation that belongs to the sentence, not the URL. A closing bracket is kept
 * when the URL itself opened one (e.g. `.../wiki/Foo_(bar)`); a trailing `/` is always kept.
 */
export function trimUrl(raw: string): string {
  let url = raw;
  while (url.length > 0) {
    const last = url[url.length - 1]!;
    if (!TRAILING_PUNCTUATION.has(last)) break;
    if (last === ')' && count(url, '(') >= count(url, ')')) break;
    if (last === ']' && count(url, '[') >= count(url, ']')) break;
    url = url.slice(0, -1);
  }
  return url;
}

/** Every http(s) URL in the text, in order of appearance, trimmed and syntactically valid. */
export function extractUrls(text: string): string[] {
  const urls: string[] = [];
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = trimUrl(match[0]);
    if (parseHttpUrl(url) !== null) urls.push(url);
  }
  return urls;
}

/** The URL parsed, or null unless it is a well-formed http(s) URL with a host. */
export function parseHttpUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '') return url;
  } catch {
    // Not a URL: fall through.
  }
  return null;
}

/** github.com and its subdomains (gist.github.com) host code; github.io pages are project sites. */
export function isGithubUrl(url: string): boolean {
  const host = parseHttpUrl(url)?.hostname.toLowerCase();
  return host !== undefined && (host === 'github.com' || host.endsWith('.github.com'));
}

/** The first GitHub URL and the first other http(s) URL found in the text. */
export function findLinks(text: string): AbstractLinks {
  const links: AbstractLinks = { github_url: null, project_url: null };
  for (const url of extractUrls(text)) {
    if (isGithubUrl(url)) links.github_url ??= url;
    else links.project_url ??= url;
  }
  return links;
}
