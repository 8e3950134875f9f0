// Property tests driven by the served /openapi.json: requests built from random values each
// parameter's schema allows get a documented, non-5xx answer whose body matches the response
// schema; and any one parameter value is accepted exactly when its schema allows it.
// Reproduce a failure with the seed fast-check prints: SPEC_SEED=<seed> npx vitest run … test/api/spec-property.test.ts
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import { ErrorResponse, Health, Paper, RecommendResponse, SearchResponse, SimilarResponse } from '../../src/api/schemas.ts';
import { startSampleServer, type SampleServer } from '../support/sample-server.ts';
import { allowedText, parameterSchemas, specAllows, type Operation, type Schema, type Spec } from './spec-values.ts';

const RUNS = Number(process.env.SPEC_RUNS ?? 200);
const SEED = process.env.SPEC_SEED === undefined ? undefined : Number(process.env.SPEC_SEED);
const KNOWN_PAPER = 'factorized-visual-tokenization-and-generation';

let sample: SampleServer;
let spec: Spec;
beforeAll(async () => {
  sample = await startSampleServer();
  spec = (await sample.get('/openapi.json')).body as Spec;
});
afterAll(() => sample?.close());

/** The GET operations with parameters, and the zod schema of each one's 200 body. */
const GETS: { path: string; ok: ZodType }[] = [
  { path: '/search', ok: SearchResponse },
  { path: '/papers/{id}/similar', ok: SimilarResponse },
  { path: '/papers/{id}', ok: Paper },
  { path: '/health', ok: Health },
];

const operation = (path: string): Operation => {
  const found = spec.paths[path]?.get as Operation | undefined;
  if (!found) throw new Error(`no GET ${path} in the spec`);
  return found;
};

/** Text that can be percent-encoded (no lone surrogates). */
const encodable = (text: string): boolean => {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
};

/** A path id: a real paper, or any id the path parameter's schema allows. */
const idArbitrary = (schema: Schema) => fc.oneof(fc.constant(KNOWN_PAPER), allowedText(schema).filter(encodable));

/** Query text from name → value, every value percent-encoded. */
const queryString = (values: Record<string, string>) =>
  Object.entries(values)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');

/** A request URL for `path` whose every parameter holds a value its schema allows (optional ones sometimes left out). */
function validRequest(path: string): fc.Arbitrary<{ url: string; values: Record<string, string> }> {
  const op = operation(path);
  const query = (op.parameters ?? []).filter((p) => p.in === 'query');
  const values = fc.record(Object.fromEntries(query.map((p) => [p.name, allowedText(p.schema).filter(encodable)])), {
    requiredKeys: query.filter((p) => p.required).map((p) => p.name),
  }) as fc.Arbitrary<Record<string, string>>;
  const idSchema = parameterSchemas(op, 'path').id;
  const id = idSchema ? idArbitrary(idSchema) : fc.constant('');
  return fc.tuple(id, values).map(([idValue, queryValues]) => {
    const base = path.replace('{id}', encodeURIComponent(idValue));
    const text = queryString(queryValues);
    return { url: text ? `${base}?${text}` : base, values: queryValues };
  });
}

const params = (seed?: number) => ({ numRuns: RUNS, ...(seed === undefined ? {} : { seed }) });

describe('every request the spec allows gets a documented answer in the documented shape', () => {
  for (const { path, ok } of GETS) {
    it(`GET ${path}`, async () => {
      const documented = Object.keys(operation(path).responses).map(Number);
      await fc.assert(
        fc.asyncProperty(validRequest(path), async ({ url, values }) => {
          const response = await fetch(sample.base + url);
          const body: unknown = await response.json();
          expect(response.status, url).toBeLessThan(500);
          expect(documented, url).toContain(response.status);
          const schema = response.status === 200 ? ok : ErrorResponse;
          const parsed = schema.safeParse(body);
          expect(parsed.success, `${url}: ${JSON.stringify(parsed.error?.issues ?? [])}`).toBe(true);
          if (response.status === 400) {
            // The one rule the spec cannot state: a date range must not be reversed.
            const from = values.published_from;
            const to = values.published_to;
            expect(from !== undefined && to !== undefined && from > to, `${url}: ${JSON.stringify(body)}`).toBe(true);
          }
        }),
        params(SEED),
      );
    });
  }
});

/** A JSON value `schema` allows (objects by their properties, arrays by their items, $refs resolved). */
function allowedJson(schema: any): fc.Arbitrary<unknown> {
  if (schema.$ref) return allowedJson(spec.components!.schemas[String(schema.$ref).split('/').at(-1)!]);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  if (type === 'object') {
    const properties = schema.properties as Record<string, unknown>;
    return fc.record(Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, allowedJson(property)])), {
      requiredKeys: schema.required ?? [],
    });
  }
  if (type === 'array') {
    const items =
      schema.items.type === 'string' && !schema.items.pattern ? fc.oneof(fc.constant(KNOWN_PAPER), allowedJson(schema.items)) : allowedJson(schema.items);
    return fc.array(items, { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) });
  }
  if (type === 'integer') return fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) });
  if (type === 'boolean') return fc.boolean();
  return allowedText(schema as Schema).filter(encodable);
}

describe('every body the spec allows for POST /recommend gets a documented answer in the documented shape', () => {
  it('POST /recommend', async () => {
    const op = spec.paths['/recommend']!.post as Operation;
    const documented = Object.keys(op.responses).map(Number);
    const bodySchema = op.requestBody.content['application/json'].schema;
    await fc.assert(
      fc.asyncProperty(allowedJson(bodySchema), async (body) => {
        const response = await fetch(`${sample.base}/recommend`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const answer: unknown = await response.json();
        const shown = `${JSON.stringify(body)} → ${response.status} ${JSON.stringify(answer)}`;
        expect(response.status, shown).toBeLessThan(500);
        expect(documented, shown).toContain(response.status);
        const parsed = (response.status === 200 ? RecommendResponse : ErrorResponse).safeParse(answer);
        expect(parsed.success, shown).toBe(true);
        if (response.status === 400) {
          // The rules a schema cannot state: the ids must exist, and a date range must not be reversed.
          const { published_from: from, published_to: to } = body as { published_from?: string; published_to?: string };
          const unknownIds = (answer as { error: { message: string } }).error.message.startsWith('Unknown paper id');
          expect(unknownIds || (from !== undefined && to !== undefined && from > to), shown).toBe(true);
        }
      }),
      params(SEED),
    );
  });
});

describe('a single parameter value is accepted exactly when the spec allows it', () => {
  /** Text near and far from what a schema allows: allowed values, their near misses, and anything. */
  const anyText = (schema: Schema) =>
    fc
      .oneof(
        allowedText(schema),
        allowedText(schema).chain((value) =>
          fc.oneof(
            fc.constant(` ${value}`),
            fc.constant(`${value} `),
            fc.constant(`${value}0`),
            fc.constant(value.slice(1)),
            fc.constant(`+${value}`),
            fc.constant(`0x${value}`),
            fc.constant(`${value}e1`),
          ),
        ),
        fc.string({ maxLength: 12 }),
        fc.constantFrom('', ' ', '0', '-1', '1.5', 'true', '2024-02-30', 'cs.*'),
      )
      .filter(encodable);

  for (const path of ['/search', '/papers/{id}/similar']) {
    it(`GET ${path}`, async () => {
      const schemas = parameterSchemas(operation(path), 'query');
      const names = Object.keys(schemas);
      const base = path.replace('{id}', KNOWN_PAPER);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...names).chain((name) => fc.tuple(fc.constant(name), anyText(schemas[name]!))),
          async ([name, text]) => {
            const query = name === 'q' ? queryString({ q: text }) : queryString(path === '/search' ? { q: 'diffusion', [name]: text } : { [name]: text });
            const response = await fetch(`${sample.base}${base}?${query}`);
            const body = (await response.json()) as { error?: { details?: { field: string }[] } };
            const allowed = specAllows(schemas[name]!, text);
            // has_code also reads 1 and 0 (its description says so): the one documented leniency.
            const lenient = name === 'has_code' && (text === '1' || text === '0');
            expect(response.status === 200, `${name}=${JSON.stringify(text)} → ${response.status} ${JSON.stringify(body)}`).toBe(allowed || lenient);
            if (response.status !== 200) expect(response.status).toBe(400);
          },
        ),
        params(SEED),
      );
    });
  }
});
