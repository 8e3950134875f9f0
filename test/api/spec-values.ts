// Reading the served OpenAPI document as a client would: the schema of each parameter, whether a
// raw query value satisfies it, and (for property tests) fast-check arbitraries of values it allows.
import fc from 'fast-check';

export type Schema = {
  type?: string | string[];
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  default?: unknown;
};
export type Parameter = { name: string; in: string; required?: boolean; schema: Schema };
export type Operation = { parameters?: Parameter[]; requestBody?: any; responses: Record<string, any> };
export type Spec = { openapi: string; paths: Record<string, Record<string, any>>; components?: { schemas: Record<string, any> } };

/** The schemas of an operation's parameters in one place (`query` or `path`), by name. */
export function parameterSchemas(operation: Operation, place: string): Record<string, Schema> {
  return Object.fromEntries((operation.parameters ?? []).filter((p) => p.in === place).map((p) => [p.name, p.schema]));
}

const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** RFC 3339 full-date: the format `date` of JSON Schema. */
export function isFullDate(text: string): boolean {
  const match = FULL_DATE.exec(text);
  if (!match) return false;
  const [year = 0, month = 0, day = 0] = match.slice(1).map(Number);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day >= 1 && day <= days;
}

const typeOf = (schema: Schema): string => (Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null')! : schema.type!);

/** Whether the decoded text of a query parameter is a value `schema` allows (JSON Schema counts characters in code points). */
export function specAllows(schema: Schema, text: string): boolean {
  const type = typeOf(schema);
  if (type === 'boolean') return text === 'true' || text === 'false';
  if (type === 'integer' || type === 'number') {
    if (!new RegExp(schema.pattern ?? '^-?\\d+$', 'u').test(text)) return false;
    const value = Number(text);
    return (schema.minimum === undefined || value >= schema.minimum) && (schema.maximum === undefined || value <= schema.maximum);
  }
  if (schema.enum && !schema.enum.includes(text)) return false;
  const length = [...text].length;
  if (schema.minLength !== undefined && length < schema.minLength) return false;
  if (schema.maxLength !== undefined && length > schema.maxLength) return false;
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(text)) return false;
  if (schema.format === 'date' && !isFullDate(text)) return false;
  return true;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** Values `schema` allows, as query text: integers as decimal digits (leading zeros sometimes), dates real ones, strings per pattern and length. */
export function allowedText(schema: Schema): fc.Arbitrary<string> {
  const type = typeOf(schema);
  if (type === 'boolean') return fc.constantFrom('true', 'false');
  if (type === 'integer') {
    const min = schema.minimum ?? 0;
    const max = schema.maximum ?? Number.MAX_SAFE_INTEGER;
    return fc
      .tuple(
        fc.oneof(
          fc.integer({ min, max: Math.min(max, min + 200) }),
          fc.maxSafeNat().map((n) => min + (n % (max - min + 1))),
        ),
        fc.nat(2),
      )
      .map(([value, zeros]) => '0'.repeat(zeros) + String(value));
  }
  if (schema.enum) return fc.constantFrom(...(schema.enum as string[]));
  if (schema.format === 'date') {
    return fc
      .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true })
      .map((date) => `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`);
  }
  const text = schema.pattern
    ? fc.stringMatching(new RegExp(schema.pattern, 'u'))
    : fc.string({ unit: 'binary', minLength: schema.minLength ?? 0, maxLength: schema.maxLength ?? 50 });
  // stringMatching ignores lengths (and an unanchored pattern allows anything around its match): keep what the schema allows.
  return text.filter((value) => specAllows(schema, value));
}
