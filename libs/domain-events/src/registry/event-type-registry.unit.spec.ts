import { z } from 'zod';
import { EventRegistryError, EventSchemaPort, EventTypeRegistry } from '../index';

const counted = z.strictObject({ count: z.int().min(0) });

describe('EventTypeRegistry', () => {
  it('knows the types registered on it, in order', () => {
    const registry = new EventTypeRegistry().register('B', counted).register('A', counted);
    expect(registry.types()).toEqual(['B', 'A']);
    expect(registry.has('A')).toBe(true);
    expect(registry.has('C')).toBe(false);
  });

  it('returns a copy of the type list', () => {
    const registry = new EventTypeRegistry().register('A', counted);
    registry.types().push('B');
    expect(registry.types()).toEqual(['A']);
  });

  it('returns the parsed payload for a known type', () => {
    const registry = new EventTypeRegistry().register('Named', z.strictObject({ name: z.string().trim() }));
    expect(registry.validate('Named', { name: ' x ' })).toEqual({ ok: true, data: { name: 'x' } });
  });

  it('reports issues with a path rooted at data', () => {
    const registry = new EventTypeRegistry().register('Counted', counted);
    const result = registry.validate('Counted', { count: -1 });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((i) => i.path)).toEqual(['data.count']);
  });

  it('lets unknown types through untouched', () => {
    const data = { anything: [1, 2, 3] };
    const result = new EventTypeRegistry().validate('SomethingElse', data);
    expect(result).toEqual({ ok: true, data });
    expect(result.ok && result.data).toBe(data);
  });

  it('refuses to register a type twice', () => {
    const registry = new EventTypeRegistry().register('A', counted);
    expect(() => registry.register('A', counted)).toThrow(
      expect.objectContaining({ code: 'DUPLICATE_EVENT_TYPE', name: 'EventRegistryError' }),
    );
  });

  it('defaults the current schema version to 1', () => {
    const registry = new EventTypeRegistry().register('A', counted).register('B', counted, { schemaVersion: 3 });
    expect(registry.schemaVersionOf('A')).toBe(1);
    expect(registry.schemaVersionOf('B')).toBe(3);
    expect(registry.schemaVersionOf('Unknown')).toBe(1);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects schemaVersion %p', (schemaVersion) => {
    expect(() => new EventTypeRegistry().register('A', counted, { schemaVersion })).toThrow(EventRegistryError);
  });

  it('can be handed to the event store as its schema port', () => {
    const port: EventSchemaPort = new EventTypeRegistry().register('Counted', counted);
    expect(port.validate('Counted', { count: 'x' }).ok).toBe(false);
    expect(port.upcast({ type: 'Counted', data: { count: 1 }, schemaVersion: 1 })).toEqual({
      type: 'Counted',
      data: { count: 1 },
    });
  });
});
