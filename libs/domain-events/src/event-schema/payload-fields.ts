import { z } from 'zod';

// Bounds keep a single event small and predictable for read models that index these fields;
// they are deliberately generous so real names never hit them.
export const NAME_MAX_LENGTH = 200;
export const TITLE_MAX_LENGTH = 500;

// Trim before measuring so "   " counts as blank rather than as a three-character name.
// The pipe stops at the type check: zod 4 otherwise still runs the length checks on an array
// and adds a second, misleading "must not be blank" issue next to "expected string".
function boundedText(max: number) {
  return z.string().pipe(
    z
      .string()
      .trim()
      .min(1, { error: 'must not be blank' })
      .max(max, { error: `must be at most ${max} characters` }),
  );
}

/** A human-readable name (project, organization, customer, user, colour). */
export const nameField = boundedText(NAME_MAX_LENGTH);

/** An identifier of another entity (issue, customer, stay, charge...). */
export const idField = boundedText(NAME_MAX_LENGTH);

/** Free text that is longer than a name, such as an issue title. */
export const titleField = boundedText(TITLE_MAX_LENGTH);

/** A money amount that must move something; zod 4 already rejects NaN and Infinity. */
export const positiveAmountField = z.number().positive({ error: 'must be greater than 0' });

/** A count that can be zero but never negative or fractional. */
export const countField = z.int().min(0, { error: 'must be 0 or greater' });
