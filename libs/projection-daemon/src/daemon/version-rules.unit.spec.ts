import { mayTakeReaders, rollbackPlan } from './version-rules';

describe('mayTakeReaders', () => {
  it('lets the first version create the view and a newer version take it over', () => {
    expect(mayTakeReaders(1, undefined, undefined)).toBe(true);
    expect(mayTakeReaders(2, 1, undefined)).toBe(true);
  });

  it('never lets an older version, or the one readers read, move the view', () => {
    expect(mayTakeReaders(1, 2, undefined)).toBe(false);
    expect(mayTakeReaders(2, 2, undefined)).toBe(false);
  });

  it('keeps a version a rollback left off the view, but not one deployed after it', () => {
    const pin = { version: 1, rolledBackFrom: 2 };
    expect(mayTakeReaders(2, 1, pin)).toBe(false);
    expect(mayTakeReaders(3, 1, pin)).toBe(true);
  });
});

describe('rollbackPlan', () => {
  const state = { reading: 2, retiredKept: false, versions: [1, 2], pin: undefined };

  it('goes back to the previous version by its holder', () => {
    expect(rollbackPlan(state)).toEqual({ kind: 'version', by: 1, from: 2 });
    expect(rollbackPlan({ ...state, reading: 3, versions: [1, 2, 3] })).toEqual({ kind: 'version', by: 2, from: 3 });
  });

  it('undoes an online rebuild first while its previous table is kept', () => {
    expect(rollbackPlan({ ...state, retiredKept: true })).toEqual({ kind: 'rebuild', by: 2 });
  });

  it('undoes a version rollback on the second request', () => {
    expect(rollbackPlan({ ...state, reading: 1, pin: { version: 1, rolledBackFrom: 2 } })).toEqual({ kind: 'undo', by: 2, from: 1 });
  });

  it('has nothing to go back to with one version, or without a view', () => {
    expect(rollbackPlan({ ...state, versions: [2] })).toEqual({ kind: 'none', by: 2 });
    expect(rollbackPlan({ ...state, reading: undefined })).toEqual({ kind: 'none', by: undefined });
  });

  it('goes back further, not forward, when the pinned version is no longer the one read', () => {
    expect(rollbackPlan({ ...state, reading: 2, versions: [1, 2, 3], pin: { version: 1, rolledBackFrom: 3 } })).toEqual({ kind: 'version', by: 1, from: 2 });
  });
});
