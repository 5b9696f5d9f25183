import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { ArgumentValidationError } from 'type-graphql';
import type { ValidationError } from 'class-validator';
import { InventoryFilterInput, TagFilter } from '../../../src/graphql/inventory/inventory-filter.input.js';
import { ModelsArgs } from '../../../src/graphql/inventory/inventory.args.js';
import { validateInput } from '../../../src/graphql/validate-input.js';

const run = async (value: unknown): Promise<void> => validateInput(value, Object, { root: undefined, args: {}, context: {}, info: undefined as never });
const tag = (key: string) => Object.assign(new TagFilter(), { key });
const argsWithTags = (...tags: TagFilter[]) => Object.assign(new ModelsArgs(), { first: 50, filter: Object.assign(new InventoryFilterInput(), { tags }) });

/** The property paths of the failed constraints, nested as class-validator reports them. */
function failedPaths(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = `${prefix}${error.property}`;
    return [...(error.constraints ? [path] : []), ...failedPaths(error.children ?? [], `${path}.`)];
  });
}

describe('validateInput', () => {
  describe('objects', () => {
    it('should accept arguments without nested input (connection args alone)', async () => {
      await expect(run(Object.assign(new ModelsArgs(), { first: 50 }))).resolves.toBeUndefined();
    });

    it('should accept a nested filter within its limits', async () => {
      await expect(run(argsWithTags(tag('team')))).resolves.toBeUndefined();
    });

    it('should refuse a nested value over its limit with an ArgumentValidationError naming the path', async () => {
      const error = await run(argsWithTags(tag('team'), tag('k'.repeat(201)))).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ArgumentValidationError);
      expect((error as ArgumentValidationError).extensions.code).toBe('BAD_USER_INPUT');
      expect(failedPaths((error as ArgumentValidationError).extensions.validationErrors as ValidationError[])).toEqual(['filter.tags.1.key']);
    });
  });

  describe('lists and scalars', () => {
    it('should validate each object of a list argument', async () => {
      await expect(run([tag('ok'), tag('k'.repeat(201))])).rejects.toBeInstanceOf(ArgumentValidationError);
      await expect(run([tag('ok'), null, 'text'])).resolves.toBeUndefined();
    });

    it('should leave null and scalar arguments alone', async () => {
      for (const value of [null, undefined, 'k'.repeat(1000), 42, true]) await expect(run(value)).resolves.toBeUndefined();
    });
  });
});
