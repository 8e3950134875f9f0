// The environment of `paperseek sync`: where each source lives, how politely to ask, and who is
// asking. Read once by the command (like src/config.ts for the rest); everything below it gets
// plain options.
import { createRequire } from 'node:module';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { ClientOptions } from './http.ts';

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Where paperseek's source lives, named in the User-Agent so an operator can see who is asking. */
export const PROJECT_URL = 'https://github.com/paperseek/paperseek';

const ms = (max: number) => z.coerce.number().int().min(0).max(max);

const SyncEnvSchema = z.object({
  PAPERSEEK_HF_API_URL: z.url().default('https://huggingface.co/api'),
  // arXiv's OAI-PMH base URL since 2025: "arXiv supports OAI_PMH v2.0 at the baseURL
  // https://oaipmh.arxiv.org/oai" (https://info.arxiv.org/help/oa/index.html, checked for this
  // code; the old http://export.arxiv.org/oai2 is what older harvesters and the captured sample use).
  PAPERSEEK_ARXIV_OAI_URL: z.url().default('https://oaipmh.arxiv.org/oai'),
  PAPERSEEK_ARXIV_API_URL: z.url().default('https://export.arxiv.org/api'),
  // arXiv's API terms: "no more than one request every three seconds", one connection at a time.
  PAPERSEEK_ARXIV_DELAY_MS: ms(600_000).default(3000),
  PAPERSEEK_HF_DELAY_MS: ms(600_000).default(500),
  PAPERSEEK_SYNC_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  PAPERSEEK_SYNC_RETRIES: z.coerce.number().int().min(0).max(100).default(5),
  PAPERSEEK_SYNC_RETRY_MS: ms(3_600_000).default(2000),
  PAPERSEEK_SYNC_MAX_RETRY_AFTER_MS: ms(86_400_000).default(600_000),
  PAPERSEEK_CONTACT: z.string().optional(),
});

export interface SyncSettings {
  hfApiUrl: string;
  arxivOaiUrl: string;
  arxivApiUrl: string;
  /** Client options for Hugging Face and for arXiv (both of arXiv's endpoints share the limits). */
  hf: ClientOptions;
  arxiv: ClientOptions;
}

/** `paperseek/0.1.0 (+https://github.com/…; mailto:me@example.org)`. */
export function userAgent(contact: string | undefined): string {
  const mail = contact?.trim() ? `; mailto:${contact.trim().replace(/^mailto:/i, '')}` : '';
  return `paperseek/${version} (+${PROJECT_URL}${mail})`;
}

export function loadSyncSettings(environment: NodeJS.ProcessEnv, log?: (line: string) => void): SyncSettings {
  const present = Object.fromEntries(Object.entries(environment).filter(([key, value]) => key in SyncEnvSchema.shape && value !== undefined && value !== ''));
  const parsed = SyncEnvSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new AppError('BAD_CONFIG', `Invalid configuration: ${problems.join('; ')}`, problems);
  }
  const env = parsed.data;
  const common = {
    userAgent: userAgent(env.PAPERSEEK_CONTACT),
    timeoutMs: env.PAPERSEEK_SYNC_TIMEOUT_MS,
    retries: env.PAPERSEEK_SYNC_RETRIES,
    retryMinMs: env.PAPERSEEK_SYNC_RETRY_MS,
    retryMaxMs: Math.max(env.PAPERSEEK_SYNC_RETRY_MS, 5 * 60_000),
    maxRetryAfterMs: env.PAPERSEEK_SYNC_MAX_RETRY_AFTER_MS,
    log,
  };
  const base = (url: string) => url.replace(/\/+$/, '');
  return {
    hfApiUrl: base(env.PAPERSEEK_HF_API_URL),
    arxivOaiUrl: base(env.PAPERSEEK_ARXIV_OAI_URL),
    arxivApiUrl: base(env.PAPERSEEK_ARXIV_API_URL),
    hf: { ...common, minIntervalMs: env.PAPERSEEK_HF_DELAY_MS },
    arxiv: { ...common, minIntervalMs: env.PAPERSEEK_ARXIV_DELAY_MS },
  };
}
