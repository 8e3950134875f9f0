// Reads judged queries (JSON Lines: qid, query, kind, relevant: {paper_id: grade}), validated.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { AppError } from '../errors.ts';

const JudgedQuerySchema = z.object({
  qid: z.union([z.string(), z.number()]).transform(String),
  query: z.string().min(1),
  kind: z.string().default('unknown'),
  relevant: z.record(z.string(), z.number().min(0)),
});

export type JudgedQuery = z.infer<typeof JudgedQuerySchema>;

export async function readJudgedQueries(file: string): Promise<JudgedQuery[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new AppError('BAD_INPUT_FILE', `cannot read queries file ${file}: ${(error as Error).message}`);
  }
  return text.split('\n').flatMap((line, index) => {
    if (line.trim() === '') return [];
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new AppError('BAD_INPUT_FILE', `${file}:${index + 1}: not valid JSON`);
    }
    const parsed = JudgedQuerySchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AppError('BAD_INPUT_FILE', `${file}:${index + 1} ${issue.path.join('.') || '(record)'}: ${issue.message}`);
    }
    return [parsed.data];
  });
}
