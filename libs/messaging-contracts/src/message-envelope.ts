/**
 * Every message on the broker is an envelope: the type and its version let a node refuse a
 * message it does not understand instead of misreading it during a rolling upgrade.
 */
export interface MessageEnvelope<TType extends string = string, TPayload = unknown> {
  readonly type: TType;
  readonly version: number;
  readonly messageId: string;
  readonly sentAt: string;
  readonly sender: string;
  readonly payload: TPayload;
}

export type EnvelopeProblem = { readonly field: string; readonly message: string };

/** Checks the envelope's own fields (not the payload); returns the problems, empty when valid. */
export function envelopeProblems(value: unknown): EnvelopeProblem[] {
  if (typeof value !== 'object' || value === null) return [{ field: '(message)', message: 'must be a JSON object' }];
  const m = value as Record<string, unknown>;
  const problems: EnvelopeProblem[] = [];
  for (const field of ['type', 'messageId', 'sentAt', 'sender'] as const) {
    if (typeof m[field] !== 'string' || m[field] === '') problems.push({ field, message: 'must be a non-empty string' });
  }
  if (!Number.isInteger(m.version) || (m.version as number) < 1) problems.push({ field: 'version', message: 'must be an integer >= 1' });
  if (!('payload' in m)) problems.push({ field: 'payload', message: 'is required' });
  return problems;
}
