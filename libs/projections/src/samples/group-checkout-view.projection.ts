import type { GroupPaymentRecorded, MergesFailed, StaysMerged, StaysSelected } from '@projectionist/domain-events';
import { singleStreamProjection } from '../documents/single-stream';

export interface GroupCheckoutView {
  readonly id: string;
  /** `merging` until every selected stay is merged or failed; `ready` then; `confirmed` once paid. */
  readonly status: 'merging' | 'ready' | 'confirmed';
  readonly selectedStayIds: readonly string[];
  readonly mergedStays: readonly { readonly stayId: string; readonly residual: number }[];
  readonly failedStayIds: readonly string[];
  /** Residuals taken over minus payments. */
  readonly balance: number;
  readonly paid: number;
}

const statusOf = (view: Omit<GroupCheckoutView, 'status'>, confirmed: boolean): GroupCheckoutView['status'] =>
  confirmed ? 'confirmed' : view.mergedStays.length + view.failedStayIds.length >= view.selectedStayIds.length ? 'ready' : 'merging';

/** A group checkout as the clerk sees it (GET /api/group-checkouts/:id). */
export const groupCheckoutViewProjection = singleStreamProjection<GroupCheckoutView>({
  name: 'GroupCheckoutView',
  version: 1,
  eventTypes: ['StaysSelected', 'StaysMerged', 'MergesFailed', 'GroupPaymentRecorded', 'Confirmed'],
  evolve: (doc, event) => {
    const group: GroupCheckoutView = doc ?? {
      id: event.streamId.slice(event.streamId.indexOf('-') + 1),
      status: 'merging',
      selectedStayIds: [],
      mergedStays: [],
      failedStayIds: [],
      balance: 0,
      paid: 0,
    };
    let next: Omit<GroupCheckoutView, 'status'> = group;
    switch (event.type) {
      case 'StaysSelected': {
        const fresh = (event.data as StaysSelected).stayIds.filter((id) => !group.selectedStayIds.includes(id));
        next = { ...group, selectedStayIds: [...group.selectedStayIds, ...fresh] };
        break;
      }
      case 'StaysMerged': {
        const stays = (event.data as StaysMerged).stays;
        next = { ...group, mergedStays: [...group.mergedStays, ...stays], balance: group.balance + stays.reduce((sum, s) => sum + s.residual, 0) };
        break;
      }
      case 'MergesFailed':
        next = { ...group, failedStayIds: [...group.failedStayIds, ...(event.data as MergesFailed).stayIds] };
        break;
      case 'GroupPaymentRecorded': {
        const amount = (event.data as GroupPaymentRecorded).amount;
        next = { ...group, paid: group.paid + amount, balance: group.balance - amount };
        break;
      }
    }
    return { ...next, status: statusOf(next, group.status === 'confirmed' || event.type === 'Confirmed') };
  },
});
