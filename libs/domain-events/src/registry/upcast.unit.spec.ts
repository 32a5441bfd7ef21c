import { z } from 'zod';
import { createSampleRegistry, EventRegistryError, EventTypeRegistry } from '../index';

const anything = z.unknown();

describe('EventTypeRegistry upcasting', () => {
  describe('CommitPushed (sample registry)', () => {
    const registry = createSampleRegistry();
    const v1 = { userName: 'ada', linesAdded: 12, linesRemoved: 3 };
    const v2 = { userName: 'ada', additions: 12, deletions: 3 };

    it('reads a v1 event as v2', () => {
      expect(registry.upcast('CommitPushed', v1, 1)).toEqual({ type: 'CommitPushed', data: v2 });
      expect(registry.upcast({ type: 'CommitPushed', data: v1, schemaVersion: 1 })).toEqual({
        type: 'CommitPushed',
        data: v2,
      });
    });

    it('treats a missing schemaVersion as version 1', () => {
      expect(registry.upcast({ type: 'CommitPushed', data: v1 })).toEqual({ type: 'CommitPushed', data: v2 });
    });

    it('leaves a current event untouched', () => {
      const result = registry.upcast('CommitPushed', v2, 2);
      expect(result.data).toBe(v2);
    });

    it('writes new CommitPushed events as version 2', () => {
      expect(registry.schemaVersionOf('CommitPushed')).toBe(2);
      expect(registry.validate('CommitPushed', v1).ok).toBe(false);
    });
  });

  describe('chains', () => {
    const registry = new EventTypeRegistry()
      .register('Thing', anything, { schemaVersion: 3 })
      .registerUpcaster({ type: 'Thing', fromVersion: 1, upcast: (data) => ({ data: { v2: data } }) })
      .registerUpcaster({ type: 'Thing', fromVersion: 2, upcast: (data) => ({ data: { v3: data } }) });

    it('applies every step from the stored version to the current one', () => {
      expect(registry.upcast('Thing', 'x', 1)).toEqual({ type: 'Thing', data: { v3: { v2: 'x' } } });
    });

    it('starts at the stored version', () => {
      expect(registry.upcast('Thing', 'x', 2)).toEqual({ type: 'Thing', data: { v3: 'x' } });
    });

    it('does not validate the upcast result again', () => {
      const strict = new EventTypeRegistry()
        .register('Strict', z.strictObject({ n: z.number() }), { schemaVersion: 2 })
        .registerUpcaster({ type: 'Strict', fromVersion: 1, upcast: () => ({ data: 'not an object' }) });
      expect(strict.upcast('Strict', { n: 1 }, 1)).toEqual({ type: 'Strict', data: 'not an object' });
    });
  });

  describe('renames', () => {
    it('reads a retired type under its new name', () => {
      const registry = new EventTypeRegistry()
        .register('IssueCreated', anything)
        .registerUpcaster({ type: 'IssueOpened', fromVersion: 1, upcast: (data) => ({ type: 'IssueCreated', data }) });
      expect(registry.upcast('IssueOpened', { issueId: 'i-1' }, 1)).toEqual({
        type: 'IssueCreated',
        data: { issueId: 'i-1' },
      });
    });

    it('continues the chain of the new name with the carried version', () => {
      const registry = new EventTypeRegistry()
        .register('New', anything, { schemaVersion: 3 })
        .registerUpcaster({ type: 'Old', fromVersion: 1, upcast: (data) => ({ type: 'New', data: [data] }) })
        .registerUpcaster({ type: 'New', fromVersion: 2, upcast: (data) => ({ data: { wrapped: data } }) });
      expect(registry.upcast('Old', 'x', 1)).toEqual({ type: 'New', data: { wrapped: ['x'] } });
    });
  });

  describe('holes and bad input', () => {
    const registry = new EventTypeRegistry()
      .register('Thing', anything, { schemaVersion: 3 })
      .registerUpcaster({ type: 'Thing', fromVersion: 2, upcast: (data) => ({ data }) });

    it('throws when a step between the stored and current version is missing', () => {
      expect(() => registry.upcast('Thing', {}, 1)).toThrow(
        expect.objectContaining({ code: 'UPCAST_CHAIN_BROKEN', name: 'EventRegistryError' }),
      );
      expect(() => registry.upcast('Thing', {}, 1)).toThrow(
        'Cannot read Thing v1 as Thing v3: no upcaster is registered for Thing from version 1',
      );
    });

    it('throws when a rename lands on a type whose chain has a hole', () => {
      const renamed = new EventTypeRegistry()
        .register('Thing', anything, { schemaVersion: 4 })
        .registerUpcaster({ type: 'Older', fromVersion: 1, upcast: (data) => ({ type: 'Thing', data }) });
      expect(() => renamed.upcast('Older', {}, 1)).toThrow(
        'Cannot read Older v1 as Thing v4: no upcaster is registered for Thing from version 2',
      );
    });

    it('passes unknown types and versions newer than current through', () => {
      expect(registry.upcast('Unowned', { a: 1 }, 5)).toEqual({ type: 'Unowned', data: { a: 1 } });
      expect(registry.upcast('Thing', { a: 1 }, 4)).toEqual({ type: 'Thing', data: { a: 1 } });
    });

    it('refuses a second upcaster for the same step', () => {
      expect(() => registry.registerUpcaster({ type: 'Thing', fromVersion: 2, upcast: (data) => ({ data }) })).toThrow(
        expect.objectContaining({ code: 'DUPLICATE_UPCASTER' }),
      );
    });

    it.each([0, 2.5])('refuses schema version %p', (version) => {
      expect(() => registry.upcast('Thing', {}, version)).toThrow(EventRegistryError);
      expect(() => registry.registerUpcaster({ type: 'X', fromVersion: version, upcast: (data) => ({ data }) })).toThrow(
        expect.objectContaining({ code: 'INVALID_SCHEMA_VERSION' }),
      );
    });
  });
});
