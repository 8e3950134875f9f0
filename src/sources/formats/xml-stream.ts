// Streaming XML into small element trees, for the readers of XML feeds (arXiv Atom, OAI-PMH).
// saxes parses the text as it arrives; only the elements a reader asks for (one record, a paging
// token) are built into trees and handed over as soon as they close, so memory stays bounded by
// the largest record, whatever the size of the file or response.

import { SaxesParser, type SaxesTagNS } from 'saxes';
import { RECORD_LIMITS } from '../limits.ts';
import type { SourceEntry } from '../record.ts';

/** One element with everything inside it, namespaces resolved. */
export interface XmlElement {
  /** Namespace URI ('' when the element has none). */
  uri: string;
  /** Local name, without prefix. */
  local: string;
  /** Attribute values by name as written (`term`, `xsi:schemaLocation`). */
  attributes: Record<string, string>;
  children: XmlElement[];
  /** All the text inside the element, its children's included, in document order, as written. */
  text: string;
  /** 1-based line of the start tag. */
  line: number;
  /** Set on a captured element whose text passed RECORD_LIMITS.recordBytes: text past it was not kept. */
  oversized?: boolean;
}

export interface CaptureOptions {
  /** The document element the format has; another one is an error naming both. */
  root: { uri: string; local: string; format: string };
  /** Whether an element (outside an element already being captured) is built and yielded. */
  capture: (uri: string, local: string) => boolean;
}

/** A child element by namespace and local name. */
export function childNamed(element: XmlElement | undefined, uri: string, local: string): XmlElement | undefined {
  return element?.children.find((child) => child.uri === uri && child.local === local);
}

export function childrenNamed(element: XmlElement | undefined, uri: string, local: string): XmlElement[] {
  return element?.children.filter((child) => child.uri === uri && child.local === local) ?? [];
}

/** The text of a child element, or undefined when there is no such child. */
export function childText(element: XmlElement | undefined, uri: string, local: string): string | undefined {
  return childNamed(element, uri, local)?.text;
}

/** The entry for a record whose text passed the record limit: skipped and reported, reading goes on. */
export function oversizedEntry(line: number): SourceEntry {
  const limit = `${RECORD_LIMITS.recordBytes / 2 ** 20} MB`;
  return { ok: false, line, problems: [{ field: '(record)', reason: `the record's text is over the ${limit} a record may have; skipped` }] };
}

/** A count written as element text or attribute (`cursor="0"`), or null when it is not one. */
export const wholeNumber = (text: string | undefined): number | null => (text !== undefined && /^\s*\d+\s*$/.test(text) ? Number(text) : null);

/** `<name xmlns="uri">` as it would be written, for messages. */
const describe = (local: string, uri: string): string => `<${local}${uri === '' ? '' : ` xmlns="${uri}"`}>`;

/**
 * Parses `chunks` (decoded text in any pieces) and yields each captured element once its end tag
 * is read. Elements completed before a well-formedness error are yielded before the error is
 * thrown, so a truncated or corrupted download still delivers every record before the damage.
 */
export async function* captureXml(chunks: AsyncIterable<string>, options: CaptureOptions): AsyncGenerator<XmlElement> {
  const parser = new SaxesParser({ xmlns: true });
  /** Elements of the capture in progress, outermost first; empty between captures. */
  const open: XmlElement[] = [];
  let ready: XmlElement[] = [];
  let tagLine = 1;
  let sawRoot = false;

  parser.on('error', (error) => {
    // saxes prefixes its messages with "line:column: "; say it in words instead.
    const message = error.message.replace(/^\d+:\d+: /, '');
    throw new Error(`malformed XML at line ${parser.line}, column ${parser.column}: ${message}`);
  });
  parser.on('opentagstart', () => {
    // saxes has read the tag name and the character after it; when that was a line break
    // (`<record` ending a line) the counter has already moved on to the next line.
    tagLine = parser.column === 0 ? parser.line - 1 : parser.line;
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (!sawRoot) {
      sawRoot = true;
      const { root } = options;
      if (tag.uri !== root.uri || tag.local !== root.local) {
        throw new Error(
          `not ${root.format}: expected the document to start with ${describe(root.local, root.uri)}, ` +
            `found ${describe(tag.local, tag.uri)} at line ${tagLine}`,
        );
      }
    }
    if (open.length === 0 && !options.capture(tag.uri, tag.local)) return;
    const element: XmlElement = { uri: tag.uri, local: tag.local, attributes: {}, children: [], text: '', line: tagLine };
    for (const [name, attribute] of Object.entries(tag.attributes)) element.attributes[name] = attribute.value;
    open.at(-1)?.children.push(element);
    open.push(element);
  });
  // Text is kept up to the record limit, so one huge record cannot exhaust memory; the reader
  // reports an oversized element as skipped.
  const addText = (text: string): void => {
    const outermost = open[0];
    if (outermost === undefined || outermost.oversized) return;
    if (outermost.text.length + text.length > RECORD_LIMITS.recordBytes) {
      outermost.oversized = true;
      for (const element of open) element.text = '';
      return;
    }
    for (const element of open) element.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    const element = open.pop();
    if (element !== undefined && open.length === 0) ready.push(element);
  });

  /** Runs one parser step; returns what it threw instead of throwing, so finished elements go out first. */
  const step = (run: () => void): unknown => {
    try {
      run();
      return undefined;
    } catch (error) {
      return error;
    }
  };

  for await (const chunk of chunks) {
    const error = step(() => parser.write(chunk));
    const done = ready;
    ready = [];
    yield* done;
    if (error !== undefined) throw error;
  }
  // close() reports what only the end can tell: unclosed tags (a truncated file), no root at all.
  const error = step(() => parser.close());
  yield* ready;
  if (error !== undefined) throw error;
}
