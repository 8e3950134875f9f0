// What gets embedded for a paper and the hashes that decide whether it must be embedded again.
import { createHash } from 'node:crypto';
import type { PaperRecord } from '../sources/record.ts';
import type { PaperHashes } from '../store/papers.ts';

/** Title and abstract: the title carries the densest signal and is often all a query matches. */
export function embeddingText(record: PaperRecord): string {
  return `${record.title}\n${record.abstract}`;
}

export function paperHashes(record: PaperRecord): PaperHashes {
  return { content: sha256(embeddingText(record)), record: sha256(JSON.stringify(record)) };
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
