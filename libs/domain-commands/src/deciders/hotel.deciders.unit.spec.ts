import { DomainRejection } from './domain-rejection';
import { Decider } from './decider';
import { GroupCheckoutCommand, groupBalance, groupCheckoutDecider, groupStatus, nextAction } from './group-checkout.decider';
import { GuestStayCommand, guestStayDecider } from './guest-stay.decider';

type Given = { type: string; data: unknown }[];

/** given past events, when a command, then new events or a rejection code. */
function spec<S, C, E extends { type: string; data: unknown }>(decider: Decider<S, C, E>) {
  return (given: Given, when: C) => {
    const state = given.reduce(decider.evolve, decider.initialState);
    try {
      return decider.decide(when, state);
    } catch (error) {
      if (error instanceof DomainRejection) return error.code;
      throw error;
    }
  };
}

const checkedIn = { type: 'CheckedIn', data: {} };
const charge = (chargeId: string, amount: number) => ({ type: 'ChargeRecorded', data: { chargeId, amount } });
const payment = (paymentId: string, amount: number) => ({ type: 'PaymentRecorded', data: { paymentId, amount } });
const checkedOut = { type: 'CheckedOut', data: {} };
const mergedTo = (groupId: string) => ({ type: 'MergedToGroup', data: { groupId } });

describe('guestStayDecider', () => {
  const stay = spec(guestStayDecider);
  it.each<[string, Given, GuestStayCommand, unknown]>([
    ['checks in', [], { kind: 'CheckIn' }, [checkedIn]],
    ['refuses a second check-in', [checkedIn], { kind: 'CheckIn' }, 'ALREADY_EXISTS'],
    ['needs the stay for a charge', [], { kind: 'RecordCharge', chargeId: 'c1', amount: 10 }, 'NOT_FOUND'],
    ['records a charge', [checkedIn], { kind: 'RecordCharge', chargeId: 'c1', amount: 10 }, [charge('c1', 10)]],
    ['refuses the same charge twice', [checkedIn, charge('c1', 10)], { kind: 'RecordCharge', chargeId: 'c1', amount: 10 }, 'ALREADY_EXISTS'],
    ['records a payment', [checkedIn, charge('c1', 10)], { kind: 'RecordPayment', paymentId: 'p1', amount: 10 }, [payment('p1', 10)]],
    ['refuses the same payment twice', [checkedIn, payment('p1', 5)], { kind: 'RecordPayment', paymentId: 'p1', amount: 5 }, 'ALREADY_EXISTS'],
    ['checks out a settled stay', [checkedIn, charge('c1', 10), payment('p1', 10)], { kind: 'CheckOut' }, [checkedOut]],
    ['checks out a stay without charges', [checkedIn], { kind: 'CheckOut' }, [checkedOut]],
    ['refuses to check out with a balance due', [checkedIn, charge('c1', 10)], { kind: 'CheckOut' }, 'INVALID_STATE'],
    ['refuses to check out an overpaid stay', [checkedIn, payment('p1', 10)], { kind: 'CheckOut' }, 'INVALID_STATE'],
    ['refuses to check out a merged stay', [checkedIn, mergedTo('g1')], { kind: 'CheckOut' }, 'INVALID_STATE'],
    ['refuses to check out twice', [checkedIn, checkedOut], { kind: 'CheckOut' }, 'INVALID_STATE'],
    ['merges an open stay with a balance', [checkedIn, charge('c1', 10)], { kind: 'MergeToGroup', groupId: 'g1' }, [mergedTo('g1')]],
    ['merges an overpaid stay', [checkedIn, payment('p1', 3)], { kind: 'MergeToGroup', groupId: 'g1' }, [mergedTo('g1')]],
    ['refuses to merge a checked-out stay', [checkedIn, checkedOut], { kind: 'MergeToGroup', groupId: 'g1' }, 'INVALID_STATE'],
    ['refuses to merge a stay merged elsewhere', [checkedIn, mergedTo('g1')], { kind: 'MergeToGroup', groupId: 'g2' }, 'INVALID_STATE'],
    ['refuses to merge an unknown stay', [], { kind: 'MergeToGroup', groupId: 'g1' }, 'NOT_FOUND'],
    ['refuses charges once merged', [checkedIn, mergedTo('g1')], { kind: 'RecordCharge', chargeId: 'c2', amount: 1 }, 'INVALID_STATE'],
  ])('%s', (_, given, when, then) => {
    expect(stay(given, when)).toEqual(then);
  });

  it('keeps the balance, negative when overpaid, and the group', () => {
    const state = [checkedIn, charge('c1', 10), payment('p1', 25), mergedTo('g1')].reduce(guestStayDecider.evolve, guestStayDecider.initialState);
    expect(state).toMatchObject({ status: 'merged', balance: -15, groupId: 'g1' });
  });
});

const selected = (...stayIds: string[]) => ({ type: 'StaysSelected', data: { stayIds } });
const merged = (...stays: [string, number][]) => ({ type: 'StaysMerged', data: { stays: stays.map(([stayId, residual]) => ({ stayId, residual })) } });
const failed = (...stayIds: string[]) => ({ type: 'MergesFailed', data: { stayIds } });
const paid = (amount: number) => ({ type: 'GroupPaymentRecorded', data: { amount } });
const confirmed = { type: 'Confirmed', data: {} };

describe('groupCheckoutDecider', () => {
  const group = spec(groupCheckoutDecider);
  it.each<[string, Given, GroupCheckoutCommand, unknown]>([
    ['starts with the selected stays, each once', [], { kind: 'StartGroupCheckout', stayIds: ['s1', 's2', 's1'] }, [selected('s1', 's2')]],
    ['refuses to start twice', [selected('s1')], { kind: 'StartGroupCheckout', stayIds: ['s2'] }, 'ALREADY_EXISTS'],
    ['selects further stays', [selected('s1')], { kind: 'SelectStays', stayIds: ['s1', 's2'] }, [selected('s2')]],
    ['refuses stays selected already', [selected('s1')], { kind: 'SelectStays', stayIds: ['s1'] }, 'ALREADY_EXISTS'],
    ['records merges and failures', [selected('s1', 's2', 's3')], { kind: 'RecordMerges', merged: [{ stayId: 's1', residual: 10 }, { stayId: 's2', residual: -2 }], failed: ['s3'] }, [merged(['s1', 10], ['s2', -2]), failed('s3')]],
    ['records only failures', [selected('s1')], { kind: 'RecordMerges', merged: [], failed: ['s1'] }, [failed('s1')]],
    ['refuses a merge of a stay not pending', [selected('s1'), merged(['s1', 1])], { kind: 'RecordMerges', merged: [{ stayId: 's1', residual: 1 }], failed: [] }, 'INVALID_STATE'],
    ['takes a payment while merging', [selected('s1')], { kind: 'RecordPayment', amount: 5 }, [paid(5)]],
    ['needs the group for a payment', [], { kind: 'RecordPayment', amount: 5 }, 'NOT_FOUND'],
    ['confirms once every stay is settled and paid', [selected('s1', 's2'), merged(['s1', 10]), failed('s2'), paid(10)], { kind: 'Confirm' }, [confirmed]],
    ['confirms a group whose residuals sum to zero or less', [selected('s1', 's2'), merged(['s1', 10], ['s2', -12])], { kind: 'Confirm' }, [confirmed]],
    ['refuses to confirm a group none of whose stays merged', [selected('s1'), failed('s1')], { kind: 'Confirm' }, 'INVALID_STATE'],
    ['refuses to confirm while merging', [selected('s1', 's2'), merged(['s1', 10]), paid(10)], { kind: 'Confirm' }, 'INVALID_STATE'],
    ['refuses to confirm with a balance due', [selected('s1'), merged(['s1', 10]), paid(4)], { kind: 'Confirm' }, 'INVALID_STATE'],
    ['refuses anything once confirmed', [selected('s1'), merged(['s1', 0]), confirmed], { kind: 'RecordPayment', amount: 1 }, 'INVALID_STATE'],
  ])('%s', (_, given, when, then) => {
    expect(group(given, when)).toEqual(then);
  });

  it('says what the process does next, the status and the balance', () => {
    const fold = (events: Given) => events.reduce(groupCheckoutDecider.evolve, groupCheckoutDecider.initialState);
    const merging = fold([selected('s1', 's2', 's3'), merged(['s1', 30])]);
    expect([nextAction(merging), groupStatus(merging), groupBalance(merging)]).toEqual([{ kind: 'merge', stayIds: ['s2', 's3'] }, 'merging', 30]);
    const partlyPaid = fold([selected('s1', 's2'), merged(['s1', 30], ['s2', 20]), paid(20), paid(10)]);
    expect([nextAction(partlyPaid), groupStatus(partlyPaid), groupBalance(partlyPaid)]).toEqual([{ kind: 'none' }, 'ready', 20]);
    const settled = fold([selected('s1', 's2'), merged(['s1', 30], ['s2', 20]), paid(20), paid(30)]);
    expect([nextAction(settled), groupStatus(settled), groupBalance(settled)]).toEqual([{ kind: 'confirm' }, 'ready', 0]);
    const allFailed = fold([selected('s1'), failed('s1')]);
    expect([nextAction(allFailed), groupStatus(allFailed)]).toEqual([{ kind: 'none' }, 'ready']);
    const done = fold([selected('s1'), merged(['s1', 0]), confirmed]);
    expect([nextAction(done), groupStatus(done)]).toEqual([{ kind: 'none' }, 'confirmed']);
  });
});
