import { z } from 'zod';

/** Client-chosen ids become part of a stream id (`car-<id>`): letters, digits, `_` and `-`. */
export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, "_" or "-"');
const name = z.string().trim().min(1).max(200);

export const startProjectBody = z.strictObject({ id: idSchema.optional(), name, organization: name });
export const createIssueBody = z.strictObject({ issueId: idSchema.optional(), title: z.string().trim().min(1).max(500) });
export const pushCommitBody = z.strictObject({ userName: name, additions: z.int().min(0), deletions: z.int().min(0) });
export const createCustomerBody = z.strictObject({ id: idSchema.optional(), name });
export const renameCustomerBody = z.strictObject({ name });
export const createCarBody = z.strictObject({ id: idSchema.optional(), by: name, color: name });
export const repaintCarBody = z.strictObject({ color: name });
export const sellCarBody = z.strictObject({ customerId: idSchema });
export const emptyBody = z.union([z.strictObject({}), z.undefined()]);
/** Money moved by a charge or a payment: positive, finite. */
const amount = z.number().positive().max(1_000_000_000);
export const checkInBody = z.union([z.strictObject({ id: idSchema.optional() }), z.undefined()]);
export const chargeBody = z.strictObject({ chargeId: idSchema.optional(), amount });
export const stayPaymentBody = z.strictObject({ paymentId: idSchema.optional(), amount });
/** A group takes at most this many stays at once (a stay's merge is one append each). */
export const MAX_GROUP_STAYS = 1_000;
export const startGroupCheckoutBody = z.strictObject({ id: idSchema.optional(), stayIds: z.array(idSchema).min(1).max(MAX_GROUP_STAYS) });
export const groupPaymentBody = z.strictObject({ paymentId: idSchema.optional(), amount });
