import type { ChargeRecorded, MergedToGroup, PaymentRecorded } from '@projectionist/domain-events';
import { singleStreamProjection } from '../documents/single-stream';

export interface StayView {
  readonly id: string;
  readonly status: 'open' | 'checked_out' | 'merged';
  /** Charges minus payments; what a group took over when merged. */
  readonly balance: number;
  readonly groupId: string | null;
}

/** A guest stay as the front desk sees it (GET /api/stays/:id). */
export const stayViewProjection = singleStreamProjection<StayView>({
  name: 'StayView',
  version: 1,
  eventTypes: ['CheckedIn', 'ChargeRecorded', 'PaymentRecorded', 'CheckedOut', 'MergedToGroup'],
  evolve: (doc, event) => {
    const stay: StayView = doc ?? { id: event.streamId.slice(event.streamId.indexOf('-') + 1), status: 'open', balance: 0, groupId: null };
    switch (event.type) {
      case 'ChargeRecorded':
        return { ...stay, balance: stay.balance + (event.data as ChargeRecorded).amount };
      case 'PaymentRecorded':
        return { ...stay, balance: stay.balance - (event.data as PaymentRecorded).amount };
      case 'CheckedOut':
        return { ...stay, status: 'checked_out' };
      case 'MergedToGroup':
        return { ...stay, status: 'merged', groupId: (event.data as MergedToGroup).groupId };
      default:
        return stay;
    }
  },
});
