import { z } from 'zod';
import { idField, nameField } from '../event-schema/payload-fields';
import { EventUnion, eventTypesOf } from '../event-schema/event-union';

/** Streams are `car-<id>` and `customer-<id>`; a sale links the two by customer id. */
export const carStreamCategory = 'car';
export const customerStreamCategory = 'customer';

export const carCreatedSchema = z.strictObject({ by: nameField, color: nameField });
export const carRepaintedSchema = z.strictObject({ color: nameField });
/** `to` is the id of the buying customer (the `<id>` of its `customer-<id>` stream). */
export const carSoldSchema = z.strictObject({ to: idField });
export const customerCreatedSchema = z.strictObject({ name: nameField });
export const customerRenamedSchema = z.strictObject({ name: nameField });

export type CarCreated = z.output<typeof carCreatedSchema>;
export type CarRepainted = z.output<typeof carRepaintedSchema>;
export type CarSold = z.output<typeof carSoldSchema>;
export type CustomerCreated = z.output<typeof customerCreatedSchema>;
export type CustomerRenamed = z.output<typeof customerRenamedSchema>;

export const carEventSchemas = {
  'car.created': carCreatedSchema,
  'car.repainted': carRepaintedSchema,
  'car.sold': carSoldSchema,
} as const;

export const customerEventSchemas = {
  'customer.created': customerCreatedSchema,
  'customer.renamed': customerRenamedSchema,
} as const;

export const dealershipEventSchemas = { ...carEventSchemas, ...customerEventSchemas } as const;

export type CarEvent = EventUnion<typeof carEventSchemas>;
export type CustomerEvent = EventUnion<typeof customerEventSchemas>;
export type DealershipEvent = CarEvent | CustomerEvent;
export type DealershipEventType = DealershipEvent['type'];

export const carEventTypes = eventTypesOf(carEventSchemas);
export const customerEventTypes = eventTypesOf(customerEventSchemas);
export const dealershipEventTypes = eventTypesOf(dealershipEventSchemas);
