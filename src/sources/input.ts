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
  const { first, rest } = await peek(counted);
  const gzip = first !== undefined && first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
  return { name, totalBytes, bytesRead: () => read, gzip, bytes: gzip ? gunzip(rest, name) : rest };
}

/** The first chunk, and an iterable that yields it again followed by the rest. */
async function peek(source: AsyncGenerator<Buffer>): Promise<{ first: Buffer | undefined; rest: AsyncIterable<Buffer> }> {
  const head = await source.next();
  const first = head.done ? undefined : head.value;
  const rest = (async function* () {
    if (first !== undefined) yield first;
    yield* source;
  })();
  return { first, rest };
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
