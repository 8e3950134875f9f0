// Records tagged with the line they start on, and the "first id wins" rule that uses those
// lines to point at later duplicates, within one file and across files.

import type { FieldProblem, PaperRecord, SourceProblem } from './record.ts';

export interface LocatedRecord {
  record: PaperRecord;
  /** 1-based line where the record starts in its file. */
  line: number;
}

/** What each parser returns: like SourceResult, but records keep their line for later checks. */
export interface LocatedResult {
  records: LocatedRecord[];
  problems: SourceProblem[];
  notes: string[];
}

export interface FirstSeen {
  file: string;
  line: number;
}

/**
 * Keep the first record for each id and report every later one as a problem on the later
 * occurrence. `seen` carries ids across calls, so passing one map for several files also
 * catches cross-file duplicates; it is updated in place.
 *
 * Keeping the first (rather than the last or a merge) is predictable and lets the user fix
 * the input by looking only at the reported line.
 */
export function dropDuplicateIds(
  records: LocatedRecord[],
  file: string,
  seen: Map<string, FirstSeen> = new Map(),
): { kept: LocatedRecord[]; problems: SourceProblem[] } {
  const kept: LocatedRecord[] = [];
  const problems: SourceProblem[] = [];
  for (const located of records) {
    const { id } = located.record;
    const first = seen.get(id);
    if (first === undefined) {
      seen.set(id, { file, line: located.line });
      kept.push(located);
      continue;
    }
    problems.push({ file, line: located.line, ...duplicateIdProblem(id, first, file) });
  }
  return { kept, problems };
}

/** The problem reported on a later record with an id already read (first one wins), in any reader. */
export function duplicateIdProblem(id: string, first: FirstSeen, file: string): FieldProblem {
  const where = first.file === file ? `line ${first.line}` : `${first.file}, line ${first.line}`;
  return { field: 'id', reason: `duplicate id "${id}" (first seen at ${where}); kept the first` };
}

/** Problems in file order, so a user can fix them top to bottom (sort is stable). */
export function byLine(problems: SourceProblem[]): SourceProblem[] {
  return [...problems].sort((a, b) => a.line - b.line);
}
