// The browser's client for the paperseek API. Responses are normalised into one shape, so the
// page works against servers that do not send every field yet (scores, highlights, total, mode).

export interface Result {
  id: string;
  title: string;
  abstract: string;
  score: number;
  published: string | null;
  upvotes: number | null;
  /** The first author names the server sends (up to 10); null when it sends none. */
  authors: string[] | null;
  authorsCount: number | null;
  categories: string[] | null;
  url: string | null;
  doi: string | null;
  githubUrl: string | null;
  projectUrl: string | null;
  scores: { semantic: number | null; keyword: number | null; fused: number | null } | null;
  ranks: { semantic: number | null; keyword: number | null } | null;
  /** HTML-escaped text with <mark> around matched terms, as the API sends it; null when absent. */
  highlights: { title: string; abstract: string } | null;
}

export interface Page {
  results: Result[];
  /** How many results there are to page through, where the server says. */
  total: number | null;
  /** False when total is a lower bound (`total_relation: "gte"`). */
  totalExact: boolean;
  mode: string | null;
  /** Hybrid fell back to keyword search because the model is unavailable. */
  degraded: boolean;
  tookMs: number | null;
}

export interface Health {
  papers: number | null;
  model: string | null;
  semantic: boolean;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const strings = (value: unknown): string[] | null =>
  Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string') ? (value as string[]) : null;

async function getJson(path: string, signal?: AbortSignal): Promise<Json> {
  let response: Response;
  try {
    response = await fetch(path, { signal, headers: { accept: 'application/json' } });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError('The server could not be reached. Is paperseek running?', 0, 'NETWORK');
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = isObject(body) && isObject(body.error) ? body.error : {};
    throw new ApiError(str(error.message) ?? `The server answered ${response.status}.`, response.status, str(error.code) ?? 'HTTP');
  }
  if (!isObject(body)) throw new ApiError('The server sent an unexpected answer.', response.status, 'BAD_RESPONSE');
  return body;
}

export function toResult(raw: unknown): Result | null {
  if (!isObject(raw) || typeof raw.id !== 'string' || typeof raw.title !== 'string') return null;
  const scores = isObject(raw.scores) ? raw.scores : null;
  const ranks = isObject(raw.ranks) ? raw.ranks : null;
  const highlights = isObject(raw.highlights) ? raw.highlights : null;
  return {
    id: raw.id,
    title: raw.title,
    abstract: str(raw.abstract) ?? '',
    score: num(raw.score) ?? 0,
    published: str(raw.published),
    upvotes: num(raw.upvotes),
    authors: strings(raw.authors),
    authorsCount: num(raw.authors_count),
    categories: strings(raw.categories),
    url: str(raw.url),
    doi: str(raw.doi),
    githubUrl: str(raw.github_url),
    projectUrl: str(raw.project_url),
    scores: scores && { semantic: num(scores.semantic), keyword: num(scores.keyword), fused: num(scores.fused) },
    ranks: ranks && { semantic: num(ranks.semantic), keyword: num(ranks.keyword) },
    highlights:
      highlights && typeof highlights.title === 'string' && typeof highlights.abstract === 'string'
        ? { title: highlights.title, abstract: highlights.abstract }
        : null,
  };
}

export async function fetchPage(path: string, signal?: AbortSignal): Promise<Page> {
  const body = await getJson(path, signal);
  const results = Array.isArray(body.results) ? body.results.map(toResult).filter((r): r is Result => r !== null) : [];
  return { results, total: num(body.total), totalExact: body.total_relation !== 'gte', mode: str(body.mode), degraded: body.degraded === true, tookMs: num(body.took_ms) };
}

export async function fetchPaperTitle(id: string, signal?: AbortSignal): Promise<string> {
  const body = await getJson(`papers/${encodeURIComponent(id)}`, signal);
  return str(body.title) ?? id;
}

export async function fetchHealth(): Promise<Health> {
  const body = await getJson('health');
  const model = isObject(body.model) ? body.model : {};
  const capabilities = isObject(body.capabilities) ? body.capabilities : null;
  return {
    papers: num(body.papers),
    model: str(model.id),
    semantic: capabilities ? capabilities.semantic === true : model.ready === true,
  };
}
