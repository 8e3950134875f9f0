// Streaming JSON input: JSON Lines (one value per line) and JSON documents (a top-level array of
// records, an API wrapper such as `{"data": […]}` / `{"meta": …, "results": […]}`, or one record
// object). Values come out one at a time with the line they start on; memory stays bounded by
// the largest record, never the file.
import { Tokenizer, TokenParser, TokenType, type ParsedTokenInfo } from '@streamparser/json';
import { messageOf } from '../errors.ts';
import { RECORD_LIMITS } from './limits.ts';

export type JsonItem =
  | { line: number; value: unknown }
  /** Not JSON: the line (JSON Lines) or the rest of the document (a document cannot resynchronise). */
  | { line: number; invalid: string; field: '(line)' | '(file)' | '(record)' };

/**
 * One JSON value per line; blank lines are skipped, a line that is not JSON is reported and skipped.
 * A line over `maxLineChars` is reported and skipped without being held whole: only the part
 * before the limit is ever buffered.
 */
export async function* jsonLines(text: AsyncIterable<string>, maxLineChars: number = RECORD_LIMITS.recordBytes): AsyncGenerator<JsonItem> {
  let pending = '';
  let line = 0;
  /** Characters of the current line dropped so far because it is over the limit (0: not over). */
  let dropped = 0;
  const parseLine = (raw: string): JsonItem | undefined => {
    line++;
    const body = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (body.trim() === '') return undefined;
    try {
      return { line, value: JSON.parse(body) };
    } catch (error) {
      return { line, invalid: `not valid JSON: ${messageOf(error)}`, field: '(line)' };
    }
  };
  const overLimit = (length: number): JsonItem => {
    line++;
    const size = `${(length / 2 ** 20).toFixed(1)} MB`;
    return { line, invalid: `the line is ${size}, over the ${maxLineChars / 2 ** 20} MB a record may have; skipped`, field: '(line)' };
  };
  for await (const chunk of text) {
    const items: JsonItem[] = [];
    let start = 0;
    let end = chunk.indexOf('\n');
    if (dropped > 0) {
      // Still inside an over-long line: skip to its end.
      if (end === -1) {
        dropped += chunk.length;
        continue;
      }
      items.push(overLimit(dropped + end));
      dropped = 0;
      start = end + 1;
      end = chunk.indexOf('\n', start);
    }
    pending += start === 0 ? chunk : chunk.slice(start);
    start = 0;
    for (end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
      const item = end - start > maxLineChars ? overLimit(end - start) : parseLine(pending.slice(start, end));
      if (item) items.push(item);
      start = end + 1;
    }
    pending = pending.slice(start);
    if (pending.length > maxLineChars) {
      dropped = pending.length;
      pending = '';
    }
    yield* items;
  }
  if (dropped > 0) yield overLimit(dropped);
  else {
    const last = parseLine(pending);
    if (last) yield last;
  }
}

/** Keys under which list responses of the APIs we read keep their records (S2 search, OpenAlex lists). */
const RECORD_LIST_KEYS = new Set(['data', 'results']);

/** Counts newlines up to byte offsets, which only ever move forward, across the chunks fed so far. */
class LineCounter {
  private line = 1;
  /** Absolute offset up to which newlines are counted. */
  private scanned = 0;
  private chunk: Uint8Array = new Uint8Array(0);
  private chunkStart = 0;

  feed(chunk: Uint8Array): void {
    this.lineAt(this.chunkStart + this.chunk.length); // finish the previous chunk
    this.chunkStart += this.chunk.length;
    this.chunk = chunk;
  }

  lineAt(offset: number): number {
    const from = Math.max(this.scanned, this.chunkStart);
    const to = Math.min(offset, this.chunkStart + this.chunk.length);
    for (let i = from - this.chunkStart; i < to - this.chunkStart; i++) if (this.chunk[i] === 10) this.line++;
    if (to > this.scanned) this.scanned = to;
    return this.line;
  }
}

const isOpening = (token: TokenType) => token === TokenType.LEFT_BRACE || token === TokenType.LEFT_BRACKET;
const isClosing = (token: TokenType) => token === TokenType.RIGHT_BRACE || token === TokenType.RIGHT_BRACKET;

/** Builds one value from its tokens with the library's parser; a primitive needs no parser. */
class ValueBuilder {
  private parser: TokenParser | undefined;
  value: unknown;
  /** Set once the value grew past the size limit: its tokens are dropped from then on. */
  oversized = false;

  constructor(
    readonly line: number,
    readonly offset: number,
  ) {
    const parser = new TokenParser({ paths: ['$'] });
    parser.onValue = ({ value }) => {
      this.value = value;
    };
    this.parser = parser;
  }

  write(token: ParsedTokenInfo): void {
    if (token.offset - this.offset > RECORD_LIMITS.recordBytes) {
      this.oversized = true;
      this.parser = undefined;
    }
    this.parser?.write(token);
  }
}

/**
 * Routes the tokenizer's tokens: each element of the record list goes to its own ValueBuilder and
 * is emitted when complete; the rest of a root object (a wrapper's `meta`, or a root that is itself
 * one record) goes to a root builder.
 */
class DocumentRouter {
  readonly out: JsonItem[] = [];
  private depth = 0;
  /** Depth of the record list's elements: 1 in a root array, 2 inside a root object's data/results. */
  private recordsDepth: number | undefined;
  private root: ValueBuilder | undefined;
  private element: ValueBuilder | undefined;
  private expectKey = false;
  private key: string | undefined;
  wrapper = false;

  constructor(private readonly lines: LineCounter) {}

  token(info: ParsedTokenInfo): void {
    const { token } = info;
    if (this.element) {
      this.continueElement(info);
      return;
    }
    if (this.depth === 0) {
      this.startRoot(info);
      return;
    }
    if (this.depth === this.recordsDepth) {
      if (token === TokenType.COMMA) return;
      if (token === TokenType.RIGHT_BRACKET) {
        this.recordsDepth = this.depth === 1 ? this.recordsDepth : undefined;
        this.depth--;
        this.root?.write(info);
        return;
      }
      this.startElement(info);
      return;
    }
    this.root?.write(info);
    if (this.depth === 1) this.trackRootKey(info);
    if (isOpening(token)) this.depth++;
    else if (isClosing(token)) this.depth--;
  }

  /** True when the document ended inside an unfinished value (a truncated file). */
  get unfinished(): boolean {
    return this.depth > 0;
  }

  /** The root object's value when it was itself a record (not a wrapper of a record list). */
  finishRoot(): JsonItem | undefined {
    if (!this.root || this.wrapper) return undefined;
    return { line: this.root.line, value: this.root.value };
  }

  private startRoot(info: ParsedTokenInfo): void {
    const line = this.lines.lineAt(info.offset);
    if (info.token === TokenType.LEFT_BRACKET) this.recordsDepth = 1;
    else if (info.token === TokenType.LEFT_BRACE) {
      this.root = new ValueBuilder(line, info.offset);
      this.root.write(info);
      this.expectKey = true;
    } else throw new Error(`line ${line}: expected a JSON array or object of records, got a single ${TokenType[info.token]!.toLowerCase()}`);
    this.depth = 1;
  }

  private trackRootKey(info: ParsedTokenInfo): void {
    if (info.token === TokenType.COMMA) this.expectKey = true;
    else if (this.expectKey && info.token === TokenType.STRING) {
      this.key = info.value as string;
      this.expectKey = false;
    } else if (info.token === TokenType.LEFT_BRACKET && this.key !== undefined && RECORD_LIST_KEYS.has(this.key)) {
      this.recordsDepth = 2;
      this.wrapper = true;
    }
  }

  private startElement(info: ParsedTokenInfo): void {
    const line = this.lines.lineAt(info.offset);
    if (!isOpening(info.token)) {
      this.out.push({ line, value: info.value });
      return;
    }
    this.element = new ValueBuilder(line, info.offset);
    this.element.write(info);
    this.depth++;
  }

  private continueElement(info: ParsedTokenInfo): void {
    this.element!.write(info);
    if (isOpening(info.token)) this.depth++;
    else if (isClosing(info.token)) this.depth--;
    if (this.depth === this.recordsDepth) {
      const { line, value, oversized } = this.element!;
      const limit = `${RECORD_LIMITS.recordBytes / 2 ** 20} MB`;
      this.out.push(oversized ? { line, invalid: `the record is over the ${limit} a record may have; skipped`, field: '(record)' } : { line, value });
      this.element = undefined;
    }
  }
}

/**
 * A JSON document streamed from bytes. A syntax error ends the reading with one `invalid` item at
 * its line; the records before it have already been yielded.
 */
export async function* jsonDocument(bytes: AsyncIterable<Buffer>): AsyncGenerator<JsonItem> {
  const lines = new LineCounter();
  const router = new DocumentRouter(lines);
  const tokenizer = new Tokenizer();
  tokenizer.onToken = (info) => router.token(info);
  let first = true;
  const failAt = (error: unknown): JsonItem => {
    const offset = (tokenizer as unknown as { offset: number }).offset;
    return { line: lines.lineAt(Math.max(0, offset)), invalid: `not valid JSON, reading stopped: ${messageOf(error)}`, field: '(file)' };
  };
  try {
    for await (let chunk of bytes) {
      if (first && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
      first = false;
      lines.feed(chunk);
      tokenizer.write(chunk);
      yield* router.out.splice(0);
    }
    tokenizer.end();
  } catch (error) {
    yield* router.out.splice(0);
    yield failAt(error);
    return;
  }
  yield* router.out.splice(0);
  if (router.unfinished) {
    yield { line: lines.lineAt(Number.MAX_SAFE_INTEGER), invalid: 'not valid JSON: the file ends inside a value (truncated?)', field: '(file)' };
    return;
  }
  const root = router.finishRoot();
  if (root) yield root;
}
