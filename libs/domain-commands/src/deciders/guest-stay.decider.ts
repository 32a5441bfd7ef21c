import type { ChargeRecorded, GuestStayEvent, MergedToGroup, PaymentRecorded } from '@projectionist/domain-events';
import { Decider } from './decider';
import { DomainRejection } from './domain-rejection';

export type StayStatus = 'open' | 'checked_out' | 'merged';

export interface GuestStayState {
  readonly exists: boolean;
  readonly status: StayStatus;
  /** Charges minus payments; negative when overpaid. */
  readonly balance: number;
  readonly chargeIds: ReadonlySet<string>;
  readonly paymentIds: ReadonlySet<string>;
  /** The group checkout the stay was merged into; its balance moved there. */
  readonly groupId: string | null;
}

export type GuestStayCommand =
  | { readonly kind: 'CheckIn' }
  | { readonly kind: 'RecordCharge'; readonly chargeId: string; readonly amount: number }
  | { readonly kind: 'RecordPayment'; readonly paymentId: string; readonly amount: number }
  | { readonly kind: 'CheckOut' }
  | { readonly kind: 'MergeToGroup'; readonly groupId: string };

const initialState: GuestStayState = { exists: false, status: 'open', balance: 0, chargeIds: new Set(), paymentIds: new Set(), groupId: null };

/**
 * A guest's stay: charges and payments move its balance; it ends either checked out (balance
 * settled) or merged into a group checkout, which takes over its balance. Once ended it accepts
 * nothing more, so the residual a group recorded for it never changes behind the group's back.
 */
export const guestStayDecider: Decider<GuestStayState, GuestStayCommand, GuestStayEvent> = {
  initialState,
  evolve(state, event) {
    switch (event.type) {
      case 'CheckedIn':
        return { ...state, exists: true };
      case 'ChargeRecorded': {
        const { chargeId, amount } = event.data as ChargeRecorded;
        return { ...state, balance: state.balance + amount, chargeIds: new Set([...state.chargeIds, chargeId]) };
      }
      case 'PaymentRecorded': {
        const { paymentId, amount } = event.data as PaymentRecorded;
        return { ...state, balance: state.balance - amount, paymentIds: new Set([...state.paymentIds, paymentId]) };
      }
      case 'CheckedOut':
        return { ...state, status: 'checked_out' };
      case 'MergedToGroup':
        return { ...state, status: 'merged', groupId: (event.data as MergedToGroup).groupId };
      default:
        return state;
    }
  },
  decide(command, state) {
    if (command.kind === 'CheckIn') {
      if (state.exists) throw new DomainRejection('ALREADY_EXISTS', 'The stay already exists');
      return [{ type: 'CheckedIn', data: {} }];
    }
    if (!state.exists) throw new DomainRejection('NOT_FOUND', 'No such stay');
    if (state.status !== 'open') throw ended(state);
    switch (command.kind) {
      case 'RecordCharge':
        if (state.chargeIds.has(command.chargeId)) throw new DomainRejection('ALREADY_EXISTS', `Charge ${command.chargeId} is already recorded`);
        return [{ type: 'ChargeRecorded', data: { chargeId: command.chargeId, amount: command.amount } }];
      case 'RecordPayment':
        if (state.paymentIds.has(command.paymentId)) throw new DomainRejection('ALREADY_EXISTS', `Payment ${command.paymentId} is already recorded`);
        return [{ type: 'PaymentRecorded', data: { paymentId: command.paymentId, amount: command.amount } }];
      case 'CheckOut':
        if (state.balance !== 0) throw new DomainRejection('INVALID_STATE', `The stay's balance is ${state.balance}, not 0: settle it before checking out`);
        return [{ type: 'CheckedOut', data: {} }];
      case 'MergeToGroup':
        return [{ type: 'MergedToGroup', data: { groupId: command.groupId } }];
    }
  },
};

function ended(state: GuestStayState): DomainRejection {
  return state.status === 'merged'
    ? new DomainRejection('INVALID_STATE', `The stay is merged into group checkout ${state.groupId}`)
    : new DomainRejection('INVALID_STATE', 'The stay is checked out');
}
