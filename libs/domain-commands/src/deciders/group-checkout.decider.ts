import type { GroupCheckoutEvent, GroupPaymentRecorded, MergesFailed, StaysMerged, StaysSelected } from '@projectionist/domain-events';
import { Decider } from './decider';
import { DomainRejection } from './domain-rejection';

export type GroupCheckoutStatus = 'merging' | 'ready' | 'confirmed';

export interface GroupCheckoutState {
  readonly exists: boolean;
  /** Every stay selected, in order. */
  readonly selected: readonly string[];
  /** Stay id → the residual balance the group took over. */
  readonly merged: ReadonlyMap<string, number>;
  readonly failed: ReadonlySet<string>;
  readonly paid: number;
  readonly confirmed: boolean;
}

export type GroupCheckoutCommand =
  | { readonly kind: 'StartGroupCheckout'; readonly stayIds: readonly string[] }
  | { readonly kind: 'SelectStays'; readonly stayIds: readonly string[] }
  | { readonly kind: 'RecordMerges'; readonly merged: readonly { stayId: string; residual: number }[]; readonly failed: readonly string[] }
  | { readonly kind: 'RecordPayment'; readonly amount: number }
  | { readonly kind: 'Confirm' };

const initialState: GroupCheckoutState = { exists: false, selected: [], merged: new Map(), failed: new Set(), paid: 0, confirmed: false };

/** Selected stays the reactor has not merged or failed yet. */
export function pendingStays(state: GroupCheckoutState): string[] {
  return state.selected.filter((id) => !state.merged.has(id) && !state.failed.has(id));
}

/** The residuals taken over minus what the group paid. */
export function groupBalance(state: GroupCheckoutState): number {
  let residuals = 0;
  for (const residual of state.merged.values()) residuals += residual;
  return residuals - state.paid;
}

export function groupStatus(state: GroupCheckoutState): GroupCheckoutStatus {
  if (state.confirmed) return 'confirmed';
  return pendingStays(state).length > 0 ? 'merging' : 'ready';
}

/**
 * What the group checkout's process needs next (the reactor acts on it): merge the pending
 * stays, confirm once every stay is settled and the balance paid, or nothing.
 */
export type GroupCheckoutAction = { readonly kind: 'merge'; readonly stayIds: readonly string[] } | { readonly kind: 'confirm' } | { readonly kind: 'none' };

export function nextAction(state: GroupCheckoutState): GroupCheckoutAction {
  if (!state.exists || state.confirmed) return { kind: 'none' };
  const pending = pendingStays(state);
  if (pending.length > 0) return { kind: 'merge', stayIds: pending };
  // A group none of whose stays merged has taken nothing over: there is nothing to confirm.
  return state.merged.size > 0 && groupBalance(state) <= 0 ? { kind: 'confirm' } : { kind: 'none' };
}

/**
 * A group checkout: a clerk selects stays; each is merged in (its residual balance taken over)
 * or fails (already checked out, merged elsewhere, unknown); payments reduce the balance; it is
 * confirmed once every stay is settled and nothing is left to pay.
 */
export const groupCheckoutDecider: Decider<GroupCheckoutState, GroupCheckoutCommand, GroupCheckoutEvent> = {
  initialState,
  evolve(state, event) {
    switch (event.type) {
      case 'StaysSelected': {
        const fresh = (event.data as StaysSelected).stayIds.filter((id) => !state.selected.includes(id));
        return { ...state, exists: true, selected: [...state.selected, ...fresh] };
      }
      case 'StaysMerged': {
        const merged = new Map(state.merged);
        for (const { stayId, residual } of (event.data as StaysMerged).stays) merged.set(stayId, residual);
        return { ...state, merged };
      }
      case 'MergesFailed':
        return { ...state, failed: new Set([...state.failed, ...(event.data as MergesFailed).stayIds]) };
      case 'GroupPaymentRecorded':
        return { ...state, paid: state.paid + (event.data as GroupPaymentRecorded).amount };
      case 'Confirmed':
        return { ...state, confirmed: true };
      default:
        return state;
    }
  },
  decide(command, state) {
    if (command.kind === 'StartGroupCheckout') {
      if (state.exists) throw new DomainRejection('ALREADY_EXISTS', 'The group checkout already exists');
      return selectStays(command.stayIds, state);
    }
    if (!state.exists) throw new DomainRejection('NOT_FOUND', 'No such group checkout');
    if (state.confirmed) throw new DomainRejection('INVALID_STATE', 'The group checkout is confirmed');
    switch (command.kind) {
      case 'SelectStays':
        return selectStays(command.stayIds, state);
      case 'RecordMerges':
        return recordMerges(command.merged, command.failed, state);
      case 'RecordPayment':
        return [{ type: 'GroupPaymentRecorded', data: { amount: command.amount } }];
      case 'Confirm': {
        const action = nextAction(state);
        if (action.kind !== 'confirm') {
          const why =
            action.kind === 'merge' ? `${action.stayIds.length} stays are still merging` : state.merged.size === 0 ? 'no stay was merged into it' : `the balance is ${groupBalance(state)}`;
          throw new DomainRejection('INVALID_STATE', `The group checkout cannot be confirmed: ${why}`);
        }
        return [{ type: 'Confirmed', data: {} }];
      }
    }
  },
};

/** Further stays may join until the group is confirmed; a stay selected twice counts once. */
function selectStays(stayIds: readonly string[], state: GroupCheckoutState): GroupCheckoutEvent[] {
  const fresh = [...new Set(stayIds)].filter((id) => !state.selected.includes(id));
  if (fresh.length === 0) throw new DomainRejection('ALREADY_EXISTS', 'Every one of these stays is selected already');
  return [{ type: 'StaysSelected', data: { stayIds: fresh } }];
}

function recordMerges(merged: readonly { stayId: string; residual: number }[], failed: readonly string[], state: GroupCheckoutState): GroupCheckoutEvent[] {
  const pending = new Set(pendingStays(state));
  const unexpected = [...merged.map((m) => m.stayId), ...failed].filter((id) => !pending.has(id));
  if (unexpected.length > 0) throw new DomainRejection('INVALID_STATE', `Not pending in this group checkout: ${unexpected.join(', ')}`);
  const events: GroupCheckoutEvent[] = [];
  if (merged.length > 0) events.push({ type: 'StaysMerged', data: { stays: merged.map(({ stayId, residual }) => ({ stayId, residual })) } });
  if (failed.length > 0) events.push({ type: 'MergesFailed', data: { stayIds: [...failed] } });
  return events;
}
