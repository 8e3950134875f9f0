// Opening one input (a file path, or `-` for standard input) as a stream of bytes, gunzipped when
// the content is gzip (by its magic bytes, whatever the name), with the count of raw bytes read
// so progress and ETA can be given from bytes when the number of records is unknown.
import { createReadStream, statSync } from 'node:fs';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AppError, messageOf } from '../errors.ts';

export interface SourceInput {
  /** The path as given, or `(stdin)`; used in every message about this input. */
  name: string;
  /** Size of the raw (possibly compressed) input when known (not for stdin or pipes). */
  totalBytes: number | undefined;
  /** Raw bytes consumed so far, comparable with totalBytes. */
  bytesRead(): number;
  /** The decompressed content. Iterate once. */
  bytes: AsyncIterable<Buffer>;
  gzip: boolean;
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'file not found',
  EISDIR: 'is a directory, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

export const STDIN = '-';

function readError(name: string, error: unknown): AppError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = (code !== undefined && READ_ERRORS[code]) || messageOf(error);
  return new AppError('BAD_INPUT_FILE', `cannot read ${name}: ${reason}`, { file: name }, { cause: error });
}

/** Opens the input; throws a BAD_INPUT_FILE error naming it when it cannot be read. */
export async function openInput(path: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<SourceInput> {
  const name = path === STDIN ? '(stdin)' : path;
  let totalBytes: number | undefined;
  let raw: NodeJS.ReadableStream;
  if (path === STDIN) raw = stdin;
  else {
    try {
      const stat = statSync(path);
      if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      totalBytes = stat.isFile() ? stat.size : undefined;
    } catch (error) {
      throw readError(name, error);
    }
    raw = createReadStream(path, { highWaterMark: 1 << 20 });
  }
  let read = 0;
  const counted = (async function* () {
    try {
      for await (const chunk of raw as AsyncIterable<Buffer | string>) {
        const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        read += buffer.length;
        yield buffer;
      }
    } catch (error) {
      throw readError(name, error);
    }
  })();
  const { head, rest } = await peek(counted, 2);
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  return { name, totalBytes, bytesRead: () => read, gzip, bytes: gzip ? gunzip(rest, name) : rest };
}

/**
 * At least the first `minBytes` of a byte stream (fewer only when it ends sooner), and an
 * iterable that yields them again followed by the rest: look at the start without consuming it.
 */
export async function peek(source: AsyncIterable<Buffer>, minBytes: number): Promise<{ head: Buffer; rest: AsyncIterable<Buffer> }> {
  const iterator = source[Symbol.asyncIterator]();
  const taken: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < minBytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    taken.push(next.value);
    size += next.value.length;
  }
  const rest = (async function* () {
    yield* taken;
    if (!done) yield* { [Symbol.asyncIterator]: () => iterator };
  })();
  return { head: Buffer.concat(taken), rest };
}

async function* gunzip(source: AsyncIterable<Buffer>, name: string): AsyncGenerator<Buffer> {
  try {
    // pipeline keeps backpressure (the file is read only as fast as it is parsed) and carries a
    // read error of the source through to this iteration. Concatenated gzip members are read too.
    const gunzipped = pipeline(Readable.from(source), createGunzip({ chunkSize: 1 << 18 }), () => {});
    yield* gunzipped as AsyncIterable<Buffer>;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('BAD_INPUT_FILE', `cannot read ${name}: not a valid gzip file (${messageOf(error)})`, { file: name }, { cause: error });
  }
}

/** UTF-8 text pieces of a byte stream (a BOM is dropped; a character split across chunks is kept whole). */
export async function* textOf(bytes: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of bytes) {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }
  const tail = decoder.decode();
  if (tail !== '') yield tail;
}
