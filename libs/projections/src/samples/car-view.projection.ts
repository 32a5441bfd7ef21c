import type { CarCreated, CarRepainted, CarSold, CustomerCreated } from '@projectionist/domain-events';
import type { RecordedEvent } from '@projectionist/event-store';
import { DocumentProjection, EvolveContext } from '../model/projection-definition';

export interface CarDocument {
  readonly docType: 'car';
  readonly carId: string;
  readonly creator: string | null;
  readonly color: string | null;
  readonly sold: boolean;
  readonly customerId: string | null;
  readonly customerName: string | null;
}

/** The projection's own copy of customer names, so a sale can show the buyer's name. */
export interface CustomerLookup {
  readonly docType: 'customer';
  readonly customerId: string;
  readonly name: string;
}

export type CarViewDocument = CarDocument | CustomerLookup;

const customerDocId = (customerId: string) => `customer-${customerId}`;
const idPart = (streamId: string) => streamId.slice(streamId.indexOf('-') + 1);
const newCar = (id: string): CarDocument => ({
  docType: 'car',
  carId: idPart(id),
  creator: null,
  color: null,
  sold: false,
  customerId: null,
  customerName: null,
});

/**
 * Cars with their buyer's name. The classic rebuild bug: a projection that copies the name at
 * the sale and ignores `customer.renamed` shows stale names. Here a rename reaches every car
 * sold to that customer through a `where` route on `customerId`.
 */
export const carViewProjection: DocumentProjection<CarViewDocument> = {
  kind: 'document',
  name: 'CarView',
  version: 1,
  mode: 'async',
  eventTypes: ['car.created', 'car.repainted', 'car.sold', 'customer.created', 'customer.renamed'],
  indexedFields: ['customerId'],
  route(event) {
    if (event.type === 'car.sold') return { ids: [event.streamId], reads: [customerDocId((event.data as CarSold).to)] };
    if (event.type.startsWith('customer.')) {
      const customerId = idPart(event.streamId);
      return { ids: [event.streamId], where: { field: 'customerId', equals: customerId } };
    }
    return { ids: [event.streamId] };
  },
  evolve(doc, event, ctx) {
    if (event.type.startsWith('customer.')) return evolveCustomerSide(doc, event, ctx);
    const car = (doc as CarDocument | undefined) ?? newCar(ctx.id);
    switch (event.type) {
      case 'car.created': {
        const data = event.data as CarCreated;
        return { ...car, creator: data.by, color: data.color };
      }
      case 'car.repainted':
        return { ...car, color: (event.data as CarRepainted).color };
      case 'car.sold': {
        const customerId = (event.data as CarSold).to;
        const customer = ctx.get(customerDocId(customerId)) as CustomerLookup | undefined;
        return { ...car, sold: true, customerId, customerName: customer?.name ?? null };
      }
      default:
        return car;
    }
  },
};

function evolveCustomerSide(doc: CarViewDocument | undefined, event: RecordedEvent, ctx: EvolveContext<CarViewDocument>): CarViewDocument {
  const name = (event.data as CustomerCreated).name;
  if (ctx.id === event.streamId) return { docType: 'customer', customerId: idPart(event.streamId), name };
  return { ...(doc as CarDocument), customerName: name };
}
