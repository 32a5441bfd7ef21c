import { randomUUID } from 'node:crypto';
import { EventValidationError, ValidationIssue } from '../errors/event-validation.error';
import { EventMetadata, ExpectedVersion, NewEvent } from '../model/recorded-event';

/** Validates event payloads by type; the domain-events registry satisfies it. */
export interface EventSchemaValidator {
  /** `data`, when returned, is the normalised payload to store instead of the given one. */
  validate(type: string, data: unknown): { ok: true; data?: unknown } | { ok: false; issues: readonly ValidationIssue[] };
  /** The shape version new events of `type` are written with; stamped as `metadata.schemaVersion`. */
  schemaVersionOf?(type: string): number;
}

export interface AppendLimits {
  /** Largest event (data plus metadata as JSON) in bytes. */
  readonly maxEventBytes: number;
  readonly maxStreamIdLength: number;
  readonly maxTypeLength: number;
  readonly maxEventsPerAppend: number;
}

export const DEFAULT_APPEND_LIMITS: AppendLimits = {
  maxEventBytes: 1024 * 1024,
  maxStreamIdLength: 200,
  maxTypeLength: 200,
  maxEventsPerAppend: 10_000,
};

/** An append checked and normalised: ids assigned, payloads serialised once. */
export interface AppendRequest {
  readonly streamId: string;
  readonly category: string;
  readonly expected: ExpectedVersion;
  readonly events: readonly {
    readonly id: string;
    readonly type: string;
    readonly data: unknown;
    readonly dataJson: string;
    readonly metadata: EventMetadata;
    readonly metadataJson: string;
  }[];
  /** Whether the caller named any event's id: only then can one be recorded already (a retry). */
  readonly idsMayExist: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The stream's category is its id's prefix: `car-123` → `car`. */
export function categoryOf(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash);
}

/** Checks an append before anything touches the database; throws EventValidationError listing every problem. */
export function toAppendRequest(
  streamId: unknown,
  events: unknown,
  expectedVersion: unknown,
  limits: AppendLimits,
  validator?: EventSchemaValidator,
  traceStamp?: EventMetadata,
): AppendRequest {
  const issues: ValidationIssue[] = [];
  if (typeof streamId !== 'string' || streamId.trim().length === 0) {
    issues.push({ path: 'streamId', message: 'must be a non-empty string' });
  } else if (streamId.length > limits.maxStreamIdLength) {
    issues.push({ path: 'streamId', message: `must be at most ${limits.maxStreamIdLength} characters` });
  }
  const expected = expectedVersion === undefined ? 'any' : expectedVersion;
  if (!isExpectedVersion(expected)) {
    issues.push({
      path: 'expectedVersion',
      message: 'must be a non-negative integer, "any", "no_stream" or "stream_exists"',
    });
  }
  if (!Array.isArray(events) || events.length === 0) {
    issues.push({ path: 'events', message: 'must be a non-empty array' });
  } else if (events.length > limits.maxEventsPerAppend) {
    issues.push({ path: 'events', message: `must hold at most ${limits.maxEventsPerAppend} events` });
  }
  const normalised = Array.isArray(events)
    ? events.map((event, index) => normaliseEvent(event, `events[${index}]`, limits, issues, validator, traceStamp))
    : [];
  const ids = new Set(normalised.map((e) => e.id));
  if (ids.size !== normalised.length) issues.push({ path: 'events', message: 'event ids must be unique' });
  if (issues.length > 0) throw new EventValidationError(issues);
  const idsMayExist = Array.isArray(events) && events.some((event) => typeof event === 'object' && event !== null && (event as Partial<NewEvent>).id !== undefined);
  return { streamId: streamId as string, category: categoryOf(streamId as string), expected: expected as ExpectedVersion, events: normalised, idsMayExist };
}

function normaliseEvent(
  raw: unknown,
  path: string,
  limits: AppendLimits,
  issues: ValidationIssue[],
  validator?: EventSchemaValidator,
  traceStamp?: EventMetadata,
): AppendRequest['events'][number] {
  const event = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<NewEvent>;
  if (typeof raw !== 'object' || raw === null) issues.push({ path, message: 'must be an object' });
  // A generated id needs no checking (nor lower-casing): it is a lower-case v4 UUID.
  const id = event.id ?? randomUUID();
  if (event.id !== undefined && (typeof id !== 'string' || !UUID.test(id))) issues.push({ path: `${path}.id`, message: 'must be a UUID' });
  const type = event.type;
  if (typeof type !== 'string' || type.length === 0 || type.length > limits.maxTypeLength) {
    issues.push({ path: `${path}.type`, message: `must be a non-empty string of at most ${limits.maxTypeLength} characters` });
  }
  let data = event.data;
  let metadata: EventMetadata = event.metadata ?? {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    issues.push({ path: `${path}.metadata`, message: 'must be an object' });
  }
  // Only into events whose id the store generates: an event the caller named may be sent again
  // (an idempotent retry), and must then compare equal to what was stored, metadata included.
  if (traceStamp && event.id === undefined && typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)) {
    metadata = { ...traceStamp, ...metadata };
  }
  if (validator && typeof type === 'string') {
    const result = validator.validate(type, data);
    if (!result.ok) issues.push(...result.issues.map((i) => ({ path: `${path}.${i.path}`, message: i.message })));
    else if (result.data !== undefined) data = result.data;
    // Stamped so that upcasters know which shape a stored event has, long after the type evolved.
    if (validator.schemaVersionOf && metadata.schemaVersion === undefined && typeof metadata === 'object') {
      metadata = { ...metadata, schemaVersion: validator.schemaVersionOf(type) };
    }
  }
  const dataJson = toJson(data, `${path}.data`, issues);
  const metadataJson = toJson(metadata, `${path}.metadata`, issues);
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most events are measured by their length alone.
  const mayBeTooLarge = (dataJson.length + metadataJson.length) * 3 > limits.maxEventBytes;
  if (mayBeTooLarge && Buffer.byteLength(dataJson) + Buffer.byteLength(metadataJson) > limits.maxEventBytes) {
    issues.push({ path, message: `is larger than ${limits.maxEventBytes} bytes as JSON` });
  }
  return { id: event.id === undefined ? id : String(id).toLowerCase(), type: type as string, data, dataJson, metadata, metadataJson };
}

/** JSON that round-trips: plain objects, arrays, strings, finite numbers, booleans, null. */
function toJson(value: unknown, path: string, issues: ValidationIssue[]): string {
  // The check runs on every event of every append: it allocates nothing for valid JSON, and only
  // a payload that fails it is walked again to name where.
  if (isPlainJson(value, [])) return JSON.stringify(value);
  issues.push(findNonJson(value, path, new Set()) ?? { path, message: 'must be JSON' });
  return '';
}

/** Whether `value` round-trips through JSON; `ancestors` are the objects above it (cycles). */
function isPlainJson(value: unknown, ancestors: object[]): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (ancestors.includes(value)) return false;
  ancestors.push(value);
  const ok = Array.isArray(value) ? arrayIsPlainJson(value, ancestors) : objectIsPlainJson(value, ancestors);
  ancestors.pop();
  return ok;
}

function arrayIsPlainJson(value: readonly unknown[], ancestors: object[]): boolean {
  // An index loop, so a hole (undefined, written as null) is refused like an undefined element.
  for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], ancestors)) return false;
  return true;
}

function objectIsPlainJson(value: object, ancestors: object[]): boolean {
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!isPlainJson(record[key], ancestors)) return false;
  return true;
}

function findNonJson(value: unknown, path: string, seen: Set<object>): ValidationIssue | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path, message: 'must be a finite number' };
  if (typeof value !== 'object') return { path, message: `must be JSON (got ${typeof value})` };
  if (seen.has(value)) return { path, message: 'must not contain cycles' };
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
    return { path, message: 'must be a plain JSON object' };
  }
  seen.add(value);
  // Array.from visits holes, as the check above does.
  const children: [string, unknown][] = Array.isArray(value) ? Array.from(value, (child, i) => [String(i), child]) : Object.entries(value);
  for (const [key, child] of children) {
    const issue = findNonJson(child, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, seen);
    if (issue) return issue;
  }
  seen.delete(value);
  return undefined;
}

function isExpectedVersion(value: unknown): value is ExpectedVersion {
  return (
    value === 'any' ||
    value === 'no_stream' ||
    value === 'stream_exists' ||
    (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
  );
}
