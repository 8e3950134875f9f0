// Files from the shared folder beside the checkout (real format samples, BEIR, eval queries).
// Tests that need it say so through this one function: a missing folder is a clear failure that
// names where it looked, not a confusing ENOENT deep inside a test.
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The shared folder: PAPERSEEK_SHARED_DIR, else ../shared next to the repository. */
export const SHARED_DIR = path.resolve(process.env.PAPERSEEK_SHARED_DIR ?? '../shared');

/** Absolute path of a file under the shared folder; throws naming the folder when it is absent. */
export function sharedFile(relative: string): string {
  const file = path.join(SHARED_DIR, relative);
  if (!existsSync(file)) {
    throw new Error(`${file} not found: these tests need the shared folder (set PAPERSEEK_SHARED_DIR or place it at ${SHARED_DIR})`);
  }
  return file;
}

/** The real format samples (see ../shared/formats/README.md). */
export const formatSample = (relative: string): string => sharedFile(path.join('formats', relative));
