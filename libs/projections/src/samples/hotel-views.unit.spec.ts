import type { RecordedEvent } from '@projectionist/event-store';
import { foldDocuments } from '../documents/live-fold';
import { groupCheckoutViewProjection } from './group-checkout-view.projection';
import { stayViewProjection } from './stay-view.projection';

let position = 0;
const event = (streamId: string, type: string, data: unknown = {}): RecordedEvent => {
  position++;
  return { id: `e${position}`, streamId, streamVersion: position, position, transactionId: position, category: streamId.split('-')[0], type, data, metadata: {}, createdAt: new Date() };
};

describe('hotel views', () => {
  it('shows a stay with its balance, checked out or merged into a group', () => {
    const docs = foldDocuments(stayViewProjection, [
      event('guest_stay-a', 'CheckedIn'),
      event('guest_stay-a', 'ChargeRecorded', { chargeId: 'c1', amount: 80 }),
      event('guest_stay-a', 'PaymentRecorded', { paymentId: 'p1', amount: 30 }),
      event('guest_stay-a', 'MergedToGroup', { groupId: 'g' }),
      event('guest_stay-b', 'CheckedIn'),
      event('guest_stay-b', 'CheckedOut'),
    ]);
    expect(docs.get('guest_stay-a')).toEqual({ id: 'a', status: 'merged', balance: 50, groupId: 'g' });
    expect(docs.get('guest_stay-b')).toEqual({ id: 'b', status: 'checked_out', balance: 0, groupId: null });
  });

  it('shows a group checkout merging, ready once every stay is settled, confirmed at the end', () => {
    const history = [
      event('group_checkout-g', 'StaysSelected', { stayIds: ['a', 'b', 'c'] }),
      event('group_checkout-g', 'GroupPaymentRecorded', { amount: 10 }),
      event('group_checkout-g', 'StaysMerged', { stays: [{ stayId: 'a', residual: 50 }] }),
    ];
    expect(foldDocuments(groupCheckoutViewProjection, history).get('group_checkout-g')).toMatchObject({ status: 'merging', balance: 40 });
    history.push(event('group_checkout-g', 'StaysMerged', { stays: [{ stayId: 'b', residual: -5 }] }), event('group_checkout-g', 'MergesFailed', { stayIds: ['c'] }));
    expect(foldDocuments(groupCheckoutViewProjection, history).get('group_checkout-g')).toEqual({
      id: 'g',
      status: 'ready',
      selectedStayIds: ['a', 'b', 'c'],
      mergedStays: [{ stayId: 'a', residual: 50 }, { stayId: 'b', residual: -5 }],
      failedStayIds: ['c'],
      balance: 35,
      paid: 10,
    });
    history.push(event('group_checkout-g', 'GroupPaymentRecorded', { amount: 35 }), event('group_checkout-g', 'Confirmed'));
    expect(foldDocuments(groupCheckoutViewProjection, history).get('group_checkout-g')).toMatchObject({ status: 'confirmed', balance: 0, paid: 45 });
  });
});
