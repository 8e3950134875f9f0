// The sample page shipped in data/sample/, served by `npm start` when no index exists yet.
import { fileURLToPath } from 'node:url';

export const SAMPLE_FILE = fileURLToPath(new URL('../../data/sample/000_15e46c23e16ff53f.txt', import.meta.url));
/**
 * The page was captured in 2025; its dates without a year ("Jul 18") belong to that year. It is
 * also what `paperseek ingest` reads from the page itself (src/sources/hf-page.ts), so ingesting
 * the sample again after `npm start` changes no date (test/sources/hf-page.test.ts).
 */
export const SAMPLE_CAPTURED_YEAR = 2025;
