import { z } from 'zod';
import { fromGlobalId } from '../global-id.js';

/**
 * Query parameters of the exports, validated with zod. They mirror the GraphQL filter inputs field for field (same
 * names, same limits), so a filter tried in GraphiQL carries over to a URL:
 * - a list is given by repeating the parameter (`?vendors=mlflow&vendors=domino`); lists of enums and ids also take
 *   commas (`?vendors=mlflow,domino`), free-text lists do not (a business unit may contain a comma);
 * - booleans are `true` or `false`; times are ISO-8601 (`2026-01-31T12:00:00Z`, or a date, `2026-01-31`, meaning UTC midnight);
 * - ids are the API's ids (as the exports and GraphQL return them).
 * Anything unknown, repeated where one value is expected, or malformed is refused, never ignored: a misspelt filter
 * would otherwise export everything.
 */

/** A refused parameter: HTTP 400 with `{ error: { code, message, field } }`. */
export class ExportParameterError extends Error {
  override name = 'ExportParameterError';
  constructor(
    readonly code: 'INVALID_PARAMETER' | 'UNKNOWN_PARAMETER',
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

const MAX_LIST = 100;
type Raw = z.ZodType<unknown, string[]>;

/** Exactly one value, validated by `inner`. */
export const single = <T>(inner: z.ZodType<T, string>) =>
  z
    .array(z.string())
    .max(1, 'give this parameter once')
    .transform((values) => values[0])
    .pipe(inner);

/** A closed vocabulary or id list: repeated parameters and/or commas. */
export const splitList = <T>(item: z.ZodType<T, string>) =>
  z
    .array(z.string())
    .transform((values) => values.flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== ''))
    .pipe(z.array(item).max(MAX_LIST, `at most ${MAX_LIST} values`));

/** Free text values, one per parameter. */
export const textList = (maxLength = 500) => z.array(z.string().trim().min(1, 'empty value').max(maxLength)).max(MAX_LIST, `at most ${MAX_LIST} values`);

export const enumValue = <const V extends readonly [string, ...string[]]>(values: V) => z.enum(values);

export const booleanValue = z.enum(['true', 'false'], { message: 'expected true or false' }).transform((value) => value === 'true');

export const timeValue = z
  .string()
  .refine((value) => /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(value) && !Number.isNaN(Date.parse(value)), {
    message: 'expected an ISO-8601 time with a zone (2026-01-31T12:00:00Z) or a date (2026-01-31)',
  })
  .transform((value) => new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value));

export const textValue = (maxLength = 200) => z.string().max(maxLength, `at most ${maxLength} characters`);

/** An API id of one of `types`, decoded to the database id. */
export const idValue = (types: string | readonly string[]) =>
  z.string().transform((value, ctx) => {
    try {
      return fromGlobalId(value, types).id;
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

export type ParamShape = Record<string, Raw>;

/**
 * Validates `query` against `shape` (plus `extra` names the caller handles itself) and returns the typed values.
 * The first problem is reported with the parameter that caused it.
 */
export function parseParams<S extends ParamShape>(query: URLSearchParams, shape: S, extra: (name: string) => boolean): { [K in keyof S]?: z.output<S[K]> } {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of query) {
    if (extra(name)) continue;
    if (!Object.hasOwn(shape, name)) {
      const known = Object.keys(shape).join(', ');
      throw new ExportParameterError('UNKNOWN_PARAMETER', `Unknown parameter "${name.slice(0, 60)}"; this export accepts: ${known}`, name.slice(0, 60));
    }
    grouped.set(name, [...(grouped.get(name) ?? []), value]);
  }
  const result: Record<string, unknown> = {};
  for (const [name, values] of grouped) {
    const parsed = shape[name].safeParse(values);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ExportParameterError('INVALID_PARAMETER', `${name}: ${issue.message}`, name);
    }
    result[name] = parsed.data;
  }
  return result as { [K in keyof S]?: z.output<S[K]> };
}
