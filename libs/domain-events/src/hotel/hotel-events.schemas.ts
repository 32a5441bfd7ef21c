import { z } from 'zod';
import { idField, positiveAmountField } from '../event-schema/payload-fields';
import { EventUnion, eventTypesOf } from '../event-schema/event-union';

/** One stream per guest stay (`guest_stay-<id>`) and one per group checkout (`group_checkout-<id>`). */
export const guestStayStreamCategory = 'guest_stay';
export const groupCheckoutStreamCategory = 'group_checkout';

// The stay id is normally the stream id; the optional copy exists for producers that
// publish the event outside its stream (e.g. on a bus) and still need to say which stay.
export const checkedInSchema = z.strictObject({ guestStayId: idField.optional() });
export const chargeRecordedSchema = z.strictObject({ chargeId: idField, amount: positiveAmountField });
export const paymentRecordedSchema = z.strictObject({ paymentId: idField, amount: positiveAmountField });
export const checkedOutSchema = z.strictObject({ guestStayId: idField.optional() });
export const mergedToGroupSchema = z.strictObject({ groupId: idField });

export const staysSelectedSchema = z.strictObject({
  stayIds: z.array(idField).min(1, { error: 'must list at least one stay' }),
});
// Residual is the stay's balance when merged; it may be zero or negative (overpaid), so no sign bound.
export const staysMergedSchema = z.strictObject({
  stays: z.array(z.strictObject({ stayId: idField, residual: z.number() })),
});
export const mergesFailedSchema = z.strictObject({ stayIds: z.array(idField) });
export const groupPaymentRecordedSchema = z.strictObject({ amount: positiveAmountField });
export const confirmedSchema = z.strictObject({});

export type CheckedIn = z.output<typeof checkedInSchema>;
export type ChargeRecorded = z.output<typeof chargeRecordedSchema>;
export type PaymentRecorded = z.output<typeof paymentRecordedSchema>;
export type CheckedOut = z.output<typeof checkedOutSchema>;
export type MergedToGroup = z.output<typeof mergedToGroupSchema>;
export type StaysSelected = z.output<typeof staysSelectedSchema>;
export type StaysMerged = z.output<typeof staysMergedSchema>;
export type MergesFailed = z.output<typeof mergesFailedSchema>;
export type GroupPaymentRecorded = z.output<typeof groupPaymentRecordedSchema>;
export type Confirmed = z.output<typeof confirmedSchema>;

export const guestStayEventSchemas = {
  CheckedIn: checkedInSchema,
  ChargeRecorded: chargeRecordedSchema,
  PaymentRecorded: paymentRecordedSchema,
  CheckedOut: checkedOutSchema,
  MergedToGroup: mergedToGroupSchema,
} as const;

export const groupCheckoutEventSchemas = {
  StaysSelected: staysSelectedSchema,
  StaysMerged: staysMergedSchema,
  MergesFailed: mergesFailedSchema,
  GroupPaymentRecorded: groupPaymentRecordedSchema,
  Confirmed: confirmedSchema,
} as const;

export const hotelEventSchemas = { ...guestStayEventSchemas, ...groupCheckoutEventSchemas } as const;

export type GuestStayEvent = EventUnion<typeof guestStayEventSchemas>;
export type GroupCheckoutEvent = EventUnion<typeof groupCheckoutEventSchemas>;
export type HotelEvent = GuestStayEvent | GroupCheckoutEvent;
export type HotelEventType = HotelEvent['type'];

export const guestStayEventTypes = eventTypesOf(guestStayEventSchemas);
export const groupCheckoutEventTypes = eventTypesOf(groupCheckoutEventSchemas);
export const hotelEventTypes = eventTypesOf(hotelEventSchemas);
