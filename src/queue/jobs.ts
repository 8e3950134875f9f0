// One embedding job: the texts of one chunk, the model spec they must be embedded with, and the
// vectors a worker returns. The job id is a hash of both, so adding the same chunk again (a
// rerun, a coordinator restart) finds the job already there — queued, running or done — instead
// of queueing it twice.
import { createHash } from 'node:crypto';
import type { EmbeddingSpec, TextKind } from '../embed/embedder.ts';

/** The spec plus vector size: everything that decides which vectors a text gets. */
export interface JobSpec extends EmbeddingSpec {
  dims: number;
}

export interface EmbedJobData {
  spec: JobSpec;
  kind: TextKind;
  texts: string[];
}

/** What a worker returns: the vectors as little-endian float32, row after row, in base64. */
export interface EmbedJobResult {
  dims: number;
  count: number;
  vectors: string;
  /** `host:pid` of the worker that embedded the job. */
  worker: string;
}

/** BullMQ job name (all jobs of the queue are of this one kind). */
export const JOB_NAME = 'embed';

// The spec fields a worker must match. queryPrefix only matters for query texts.
const SPEC_FIELDS = ['model', 'dtype', 'dims', 'pooling', 'normalize', 'passagePrefix'] as const;

const fieldsFor = (kind: TextKind) => (kind === 'query' ? [...SPEC_FIELDS, 'queryPrefix' as const] : SPEC_FIELDS);

/** sha256 of the spec fields that matter and the texts, in order. */
export function jobId(spec: JobSpec, kind: TextKind, texts: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(fieldsFor(kind).map((field) => [field, spec[field]])));
  hash.update(`\n${kind}\n${texts.length}\n`);
  for (const text of texts) hash.update(`${text.length}:`).update(text);
  return hash.digest('hex');
}

/** Why a worker with spec `own` must not embed a job with spec `wanted`, or undefined when it may. */
export function specMismatch(wanted: JobSpec, own: JobSpec, kind: TextKind = 'passage'): string | undefined {
  const differing = fieldsFor(kind).filter((field) => wanted[field] !== own[field]);
  if (differing.length === 0) return undefined;
  const describe = (spec: JobSpec) => differing.map((field) => `${field}=${JSON.stringify(spec[field])}`).join(', ');
  return `model spec differs: the job needs ${describe(wanted)}, this worker has ${describe(own)}`;
}

export const describeSpec = (spec: JobSpec): string =>
  `${spec.model} (${spec.dtype}, ${spec.dims} dims, ${spec.pooling} pooling${spec.normalize ? ', normalized' : ''}${spec.passagePrefix ? `, passage prefix ${JSON.stringify(spec.passagePrefix)}` : ''})`;

export function encodeVectors(vectors: readonly Float32Array[], dims: number, worker: string): EmbedJobResult {
  const bytes = Buffer.alloc(vectors.length * dims * 4);
  vectors.forEach((vector, row) => {
    if (vector.length !== dims) throw new Error(`vector ${row} has ${vector.length} dims, expected ${dims}`);
    for (let i = 0; i < dims; i++) bytes.writeFloatLE(vector[i]!, (row * dims + i) * 4);
  });
  return { dims, count: vectors.length, vectors: bytes.toString('base64'), worker };
}

/** The vectors of a result, checked against what the job asked for. */
export function decodeVectors(result: EmbedJobResult, expected: { count: number; dims: number }): Float32Array[] {
  const bytes = Buffer.from(result.vectors ?? '', 'base64');
  if (result.dims !== expected.dims || result.count !== expected.count || bytes.length !== expected.count * expected.dims * 4) {
    throw new Error(
      `a worker (${result.worker}) returned ${result.count} vectors of ${result.dims} dims in ${bytes.length} bytes; expected ${expected.count} of ${expected.dims}`,
    );
  }
  const vectors: Float32Array[] = [];
  for (let row = 0; row < expected.count; row++) {
    const vector = new Float32Array(expected.dims);
    for (let i = 0; i < expected.dims; i++) vector[i] = bytes.readFloatLE((row * expected.dims + i) * 4);
    vectors.push(vector);
  }
  return vectors;
}
