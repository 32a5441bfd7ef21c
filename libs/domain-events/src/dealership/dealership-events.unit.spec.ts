import { EventTypeRegistry, ValidationResult } from '../index';
import { DealershipEventType, dealershipEventSchemas, dealershipEventTypes } from './dealership-events.schemas';

interface Case {
  type: DealershipEventType;
  valid: Record<string, unknown>;
  wrongTypes: Record<string, unknown>;
}

const cases: Case[] = [
  { type: 'car.created', valid: { by: 'ada', color: 'red' }, wrongTypes: { by: 1, color: ['red'] } },
  { type: 'car.repainted', valid: { color: 'blue' }, wrongTypes: { color: false } },
  { type: 'car.sold', valid: { to: 'c-42' }, wrongTypes: { to: 42 } },
  { type: 'customer.created', valid: { name: 'Grace' }, wrongTypes: { name: null } },
  { type: 'customer.renamed', valid: { name: 'Grace H.' }, wrongTypes: { name: {} } },
];

const registry = new EventTypeRegistry();
for (const [type, schema] of Object.entries(dealershipEventSchemas)) registry.register(type, schema);

const pathsOf = (result: ValidationResult): string[] => (result.ok ? [] : result.issues.map((i) => i.path));
const without = (data: Record<string, unknown>, field: string) =>
  Object.fromEntries(Object.entries(data).filter(([key]) => key !== field));

describe('dealership events', () => {
  it('has a case for every event type', () => {
    expect(cases.map((c) => c.type).sort()).toEqual([...dealershipEventTypes].sort());
  });

  describe.each(cases)('$type', ({ type, valid, wrongTypes }) => {
    it('accepts a valid payload', () => {
      expect(registry.validate(type, valid)).toEqual({ ok: true, data: valid });
    });

    it.each(Object.keys(valid))('rejects a missing %s', (field) => {
      expect(pathsOf(registry.validate(type, without(valid, field)))).toEqual([`data.${field}`]);
    });

    it.each(Object.entries(wrongTypes))('rejects a wrong-typed %s', (field, value) => {
      expect(pathsOf(registry.validate(type, { ...valid, [field]: value }))).toEqual([`data.${field}`]);
    });

    it('rejects an extra field', () => {
      expect(pathsOf(registry.validate(type, { ...valid, extra: 1 }))).toEqual(['data.extra']);
    });
  });

  it('rejects a blank customer id on a sale', () => {
    expect(registry.validate('car.sold', { to: ' ' })).toEqual({
      ok: false,
      issues: [{ path: 'data.to', message: 'must not be blank' }],
    });
  });

  it('names every unknown field separately', () => {
    expect(pathsOf(registry.validate('car.repainted', { color: 'red', shade: 'dark', gloss: true }))).toEqual([
      'data.shade',
      'data.gloss',
    ]);
  });

  it('reports a non-object payload at the root', () => {
    expect(pathsOf(registry.validate('customer.created', null))).toEqual(['data']);
  });
});
