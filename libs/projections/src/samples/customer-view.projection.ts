import type { CustomerCreated } from '@projectionist/domain-events';
import { singleStreamProjection } from '../documents/single-stream';

export interface CustomerView {
  readonly customerId: string;
  readonly name: string;
  readonly renamedCount: number;
}

export const customerViewProjection = singleStreamProjection<CustomerView>({
  name: 'CustomerView',
  version: 1,
  eventTypes: ['customer.created', 'customer.renamed'],
  evolve: (doc, event) => {
    const name = (event.data as CustomerCreated).name;
    const customerId = event.streamId.slice(event.streamId.indexOf('-') + 1);
    if (event.type === 'customer.created') return { customerId, name, renamedCount: doc?.renamedCount ?? 0 };
    return { customerId, name, renamedCount: (doc?.renamedCount ?? 0) + 1 };
  },
});
