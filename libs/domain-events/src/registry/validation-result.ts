import type { z } from 'zod';

/** One reason a payload was rejected; `path` starts at `data`, e.g. `data.stays[0].stayId`. */
export interface ValidationIssue {
  path: string;
  message: string;
}

// Arrays are left mutable on purpose: consumers (the event store) declare this shape
// themselves, and a readonly array would not be assignable to their mutable one.
export type ValidationResult = { ok: true; data: unknown } | { ok: false; issues: ValidationIssue[] };

type PathSegment = PropertyKey;

/** Renders a zod path the way a person reading an API error would write it. */
export function formatPath(segments: readonly PathSegment[]): string {
  return segments.reduce<string>(
    (path, segment) => (typeof segment === 'number' ? `${path}[${segment}]` : `${path}.${String(segment)}`),
    'data',
  );
}

/**
 * Converts zod issues to ValidationIssues. Zod reports unknown keys once, on the parent object;
 * they are split per key so every rejected field is named in its own path.
 */
export function toValidationIssues(issues: readonly z.core.$ZodIssue[]): ValidationIssue[] {
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: formatPath([...issue.path, key]),
          message: `unknown field "${key}" is not allowed`,
        }))
      : [{ path: formatPath(issue.path), message: issue.message }],
  );
}
