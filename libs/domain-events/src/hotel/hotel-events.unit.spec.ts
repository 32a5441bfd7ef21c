import { EventTypeRegistry, ValidationResult } from '../index';
import { HotelEventType, hotelEventSchemas, hotelEventTypes } from './hotel-events.schemas';

interface Case {
  type: HotelEventType;
  valid: Record<string, unknown>;
  /** Fields of `valid` that may be left out. */
  optional?: string[];
  wrongTypes: Record<string, unknown>;
}

const cases: Case[] = [
  { type: 'CheckedIn', valid: { guestStayId: 's-1' }, optional: ['guestStayId'], wrongTypes: { guestStayId: 1 } },
  { type: 'ChargeRecorded', valid: { chargeId: 'ch-1', amount: 99.5 }, wrongTypes: { chargeId: 1, amount: '99' } },
  { type: 'PaymentRecorded', valid: { paymentId: 'p-1', amount: 10 }, wrongTypes: { paymentId: [], amount: null } },
  { type: 'CheckedOut', valid: { guestStayId: 's-1' }, optional: ['guestStayId'], wrongTypes: { guestStayId: [] } },
  { type: 'MergedToGroup', valid: { groupId: 'g-1' }, wrongTypes: { groupId: 7 } },
  { type: 'StaysSelected', valid: { stayIds: ['s-1', 's-2'] }, wrongTypes: { stayIds: 's-1' } },
  { type: 'StaysMerged', valid: { stays: [{ stayId: 's-1', residual: 0 }] }, wrongTypes: { stays: {} } },
  { type: 'MergesFailed', valid: { stayIds: ['s-2'] }, wrongTypes: { stayIds: 's-2' } },
  { type: 'GroupPaymentRecorded', valid: { amount: 250 }, wrongTypes: { amount: '250' } },
  { type: 'Confirmed', valid: {}, wrongTypes: {} },
];

const registry = new EventTypeRegistry();
for (const [type, schema] of Object.entries(hotelEventSchemas)) registry.register(type, schema);

const pathsOf = (result: ValidationResult): string[] => (result.ok ? [] : result.issues.map((i) => i.path));
const without = (data: Record<string, unknown>, field: string) =>
  Object.fromEntries(Object.entries(data).filter(([key]) => key !== field));
const requiredFields = ({ valid, optional = [] }: Case) => Object.keys(valid).filter((f) => !optional.includes(f));

describe('hotel events', () => {
  it('has a case for every event type', () => {
    expect(cases.map((c) => c.type).sort()).toEqual([...hotelEventTypes].sort());
  });

  describe.each(cases)('$type', (testCase) => {
    const { type, valid, optional = [], wrongTypes } = testCase;

    it('accepts a valid payload', () => {
      expect(registry.validate(type, valid)).toEqual({ ok: true, data: valid });
    });

    // Plain loops rather than it.each: several hotel events have no fields, and it.each rejects empty tables.
    for (const field of optional) {
      it(`accepts the payload without optional ${field}`, () => {
        expect(registry.validate(type, without(valid, field)).ok).toBe(true);
      });
    }

    for (const field of requiredFields(testCase)) {
      it(`rejects a missing ${field}`, () => {
        expect(pathsOf(registry.validate(type, without(valid, field)))).toEqual([`data.${field}`]);
      });
    }

    for (const [field, value] of Object.entries(wrongTypes)) {
      it(`rejects a wrong-typed ${field}`, () => {
        expect(pathsOf(registry.validate(type, { ...valid, [field]: value }))).toEqual([`data.${field}`]);
      });
    }

    it('rejects an extra field', () => {
      expect(pathsOf(registry.validate(type, { ...valid, extra: 1 }))).toEqual(['data.extra']);
    });
  });

  it.each(['ChargeRecorded', 'PaymentRecorded'] as const)('%s requires an amount above zero', (type) => {
    const ids = { chargeId: 'c', paymentId: 'p' };
    const idField = type === 'ChargeRecorded' ? 'chargeId' : 'paymentId';
    for (const amount of [0, -5]) {
      expect(registry.validate(type, { [idField]: ids[idField], amount })).toEqual({
        ok: false,
        issues: [{ path: 'data.amount', message: 'must be greater than 0' }],
      });
    }
  });

  it('rejects an empty stay selection', () => {
    expect(pathsOf(registry.validate('StaysSelected', { stayIds: [] }))).toEqual(['data.stayIds']);
  });

  it('names the element and field inside merged stays', () => {
    const stays = [
      { stayId: 's-1', residual: -12.5 },
      { stayId: '', residual: 'none', note: 'x' },
    ];
    expect(pathsOf(registry.validate('StaysMerged', { stays }))).toEqual([
      'data.stays[1].stayId',
      'data.stays[1].residual',
      'data.stays[1].note',
    ]);
  });
});
