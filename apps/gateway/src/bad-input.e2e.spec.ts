import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { GatewayWithDaemon, startGatewayWithDaemon } from './testing/gateway-with-daemon';

const TOKEN = 'bad-input-token';

interface JsonSchema {
  type?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  default?: unknown;
}

interface Operation {
  method: string;
  path: string;
  admin: boolean;
  streams: boolean;
  body?: JsonSchema;
  queries: string[];
}

/** A value the schema accepts: the bad cases below break one thing at a time from it. */
function exampleOf(schema: JsonSchema): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const alternative = schema.anyOf ?? schema.oneOf;
  if (alternative) return exampleOf(alternative[0]);
  switch (schema.type) {
    case 'object':
      return Object.fromEntries((schema.required ?? []).map((key) => [key, exampleOf(schema.properties?.[key] ?? {})]));
    case 'string':
      return schema.format === 'uuid' ? randomUUID() : 'x1';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [exampleOf(schema.items ?? {})];
    default:
      return {};
  }
}

/** A value of another JSON type than the schema's. */
function wrongTypeFor(schema: JsonSchema): unknown {
  const type = schema.type ?? (schema.anyOf ?? schema.oneOf)?.[0]?.type;
  return type === 'string' ? 12345 : type === 'object' ? 'not-an-object' : type === 'array' ? { not: 'an array' } : 'not-a-number';
}

/**
 * Bad input over every endpoint the OpenAPI document lists, so that a new endpoint is covered
 * without a line here: missing and wrong-typed fields, malformed and unknown ids, huge bodies,
 * bad JSON, a missing or wrong token. Every answer is a 4xx and nothing is written.
 */
describe('bad input over every gateway endpoint', () => {
  let t: GatewayWithDaemon;
  let http: ReturnType<typeof request>;
  let operations: Operation[];

  beforeAll(async () => {
    t = await startGatewayWithDaemon({ ADMIN_TOKEN: TOKEN });
    http = request(t.app.getHttpServer());
    const doc = (await http.get('/docs/openapi.json').expect(200)).body;
    operations = Object.entries(doc.paths as Record<string, Record<string, Record<string, never>>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method,
        path,
        admin: Array.isArray(op.security),
        streams: 'text/event-stream' in ((op.responses as Record<string, { content?: object }>)?.['200']?.content ?? {}),
        body: (op.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined)?.content?.['application/json']?.schema,
        queries: ((op.parameters ?? []) as { in: string; name: string }[]).filter((p) => p.in === 'query').map((p) => p.name),
      })),
    );
    // Something for the unknown-id cases to miss.
    await http.post('/api/customers').send({ id: 'ann', name: 'Ann' }).expect(201);
  });
  afterAll(() => t.close());

  const pathWith = (op: Operation, id: (name: string) => string) => op.path.replace(/\{(\w+)\}/g, (_, name: string) => id(name));
  const unknownId = (op: Operation) => (name: string) => (op.path.includes('/rebuilds/{') ? randomUUID() : `unknown-${name}`);
  const send = (op: Operation, path: string, options: { token?: string | null; body?: unknown; raw?: string } = {}) => {
    let req = (http as unknown as Record<string, (path: string) => request.Test>)[op.method](path);
    const token = options.token === undefined ? TOKEN : options.token;
    if (token) req = req.set('Authorization', `Bearer ${token}`);
    if (options.raw !== undefined) return req.set('Content-Type', 'application/json').send(options.raw);
    return options.body === undefined ? req : req.send(options.body as object);
  };

  async function expectRefusedAndNothingWritten(label: string, answer: () => Promise<request.Response>, expected?: number): Promise<void> {
    const before = [await t.count('events'), await t.count('rebuild_runs')];
    const response = await answer();
    const described = `${label} → ${response.status} ${JSON.stringify(response.body)}`;
    expect({ described, clientError: response.status >= 400 && response.status < 500 }).toEqual({ described, clientError: true });
    if (expected) expect({ described, status: response.status }).toEqual({ described, status: expected });
    expect([await t.count('events'), await t.count('rebuild_runs')]).toEqual(before);
  }

  it('finds the whole API in the document', () => {
    expect(operations.length).toBeGreaterThanOrEqual(23);
  });

  it('refuses admin endpoints without the token or with a wrong one (401)', async () => {
    for (const op of operations.filter((o) => o.admin)) {
      const path = pathWith(op, unknownId(op));
      const body = op.body ? exampleOf(op.body) : undefined;
      await expectRefusedAndNothingWritten(`${op.method} ${op.path} without a token`, () => send(op, path, { token: null, body }), 401);
      await expectRefusedAndNothingWritten(`${op.method} ${op.path} with a wrong token`, () => send(op, path, { token: 'wrong', body }), 401);
    }
  });

  it('refuses malformed ids in the path (400)', async () => {
    for (const op of operations.filter((o) => /\{\w+\}/.test(o.path) && !o.streams)) {
      const body = op.body ? exampleOf(op.body) : undefined;
      await expectRefusedAndNothingWritten(`${op.method} ${op.path} with a malformed id`, () => send(op, pathWith(op, () => 'bad%20id!'), { body }));
    }
  });

  it('answers unknown ids with 404', async () => {
    // Appending to a stream that does not exist yet creates it: not an unknown id.
    for (const op of operations.filter((o) => /\{\w+\}/.test(o.path) && !o.streams && o.path !== '/api/streams/{streamId}/events')) {
      const body = op.body ? exampleOf(op.body) : undefined;
      await expectRefusedAndNothingWritten(`${op.method} ${op.path} with unknown ids`, () => send(op, pathWith(op, unknownId(op)), { body }), 404);
    }
  });

  it('refuses missing, wrong-typed and unknown fields, bad JSON, a non-object and a huge body', async () => {
    for (const op of operations.filter((o) => o.body)) {
      const path = pathWith(op, (name) => (name === 'id' && op.path.startsWith('/api/customers') ? 'ann' : `x-${name}`));
      const valid = exampleOf(op.body!) as Record<string, unknown>;
      const label = `${op.method} ${op.path}`;
      for (const field of op.body!.required ?? []) {
        const { [field]: _, ...missing } = valid;
        await expectRefusedAndNothingWritten(`${label} without ${field}`, () => send(op, path, { body: missing }), 400);
        const wrong = { ...valid, [field]: wrongTypeFor(op.body!.properties![field]) };
        await expectRefusedAndNothingWritten(`${label} with ${field} of a wrong type`, () => send(op, path, { body: wrong }), 400);
      }
      await expectRefusedAndNothingWritten(`${label} with an unknown field`, () => send(op, path, { body: { ...valid, surprise: 1 } }), 400);
      await expectRefusedAndNothingWritten(`${label} with bad JSON`, () => send(op, path, { raw: '{"name": ' }), 400);
      await expectRefusedAndNothingWritten(`${label} with an array body`, () => send(op, path, { raw: '[1, 2]' }), 400);
      await expectRefusedAndNothingWritten(`${label} with a 2 MB body`, () => send(op, path, { body: { ...valid, padding: 'x'.repeat(2_000_000) } }), 413);
    }
  });

  it('refuses a malformed minPosition, and any other malformed query, on every read that takes one (400)', async () => {
    for (const op of operations.filter((o) => o.queries.includes('minPosition'))) {
      const path = pathWith(op, () => 'ann');
      await expectRefusedAndNothingWritten(`${op.method} ${op.path}?minPosition=abc`, () => send(op, `${path}?minPosition=abc`), 400);
      for (const query of op.queries.filter((q) => q !== 'minPosition')) {
        await expectRefusedAndNothingWritten(`${op.method} ${op.path}?${query}=-5`, () => send(op, `${path}?${query}=-5`), 400);
      }
      await expectRefusedAndNothingWritten(`${op.method} ${op.path} X-Min-Position: -1`, () => send(op, path).set('X-Min-Position', '-1'), 400);
    }
  });
});
