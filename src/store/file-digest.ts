// Streaming SHA-256 of a file, read in fixed chunks so memory stays flat at any index size.
// Synchronous on purpose: index loads (readIndexSync) are synchronous too, and a digest must be
// checked before hnswlib reads a byte of the file.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

const CHUNK_BYTES = 4 * 1024 * 1024;

export interface FileDigest {
  bytes: number;
  sha256: string;
}

export function digestFile(file: string): FileDigest {
  const fd = openSync(file, 'r');
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let bytes = 0;
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (read === 0) break;
      hash.update(read === CHUNK_BYTES ? buffer : buffer.subarray(0, read));
      bytes += read;
    }
    return { bytes, sha256: hash.digest('hex') };
  } finally {
    closeSync(fd);
  }
}
