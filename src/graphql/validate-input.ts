import { validate, type ValidatorOptions } from 'class-validator';
import { ArgumentValidationError, type ValidatorFn } from 'type-graphql';

/** type-graphql's own defaults: unset optional fields are not validated, classes without rules are valid. */
const OPTIONS: ValidatorOptions = { skipMissingProperties: true, forbidUnknownValues: false };

const isObject = (value: unknown): value is object => value !== null && typeof value === 'object';

/**
 * Argument validation with class-validator, as type-graphql does it (objects, and each object of a list; failures
 * are ArgumentValidationError, answered as BAD_USER_INPUT). type-graphql's built-in path runs `await
 * import('class-validator')` for every validated argument of every request, which costs a module resolution each
 * time (0.2–0.4 ms of CPU per argument); this one imports it once.
 */
export const validateInput: ValidatorFn = async (value) => {
  if (!isObject(value)) return;
  for (const item of Array.isArray(value) ? value.filter(isObject) : [value]) {
    const errors = await validate(item, OPTIONS);
    if (errors.length > 0) throw new ArgumentValidationError(errors);
  }
};
