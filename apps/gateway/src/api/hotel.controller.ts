import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandResult, groupCheckoutDecider, guestStayDecider, handleCommand } from '@projectionist/domain-commands';
import { EVENT_STORE, EventStore } from '@projectionist/event-store';
import type { GroupCheckoutView } from '@projectionist/projections';
import { nameBasedUuid } from '@projectionist/reactors';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ApiZodBody } from '../docs/api-zod-body.decorator';
import { Produces } from '../write-guard/produces.decorator';
import { chargeBody, checkInBody, emptyBody, groupPaymentBody, idSchema, startGroupCheckoutBody, stayPaymentBody } from './api-schemas';
import { ReadModels } from './read-models.service';
import { ZodValidationPipe } from './zod-validation.pipe';

const id = new ZodValidationPipe(idSchema);
const stayStream = (stayId: string) => `guest_stay-${stayId}`;
const groupStream = (groupId: string) => `group_checkout-${groupId}`;

@ApiTags('stays (hotel)')
@Controller('api/stays')
export class StaysController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly reads: ReadModels,
  ) {}

  @Post()
  @Produces('CheckedIn')
  @ApiZodBody(checkInBody)
  checkIn(@Body(new ZodValidationPipe(checkInBody)) body: z.infer<typeof checkInBody>): Promise<CommandResult> {
    return handleCommand(this.store, stayStream(body?.id ?? randomUUID()), guestStayDecider, { kind: 'CheckIn' });
  }

  @Post(':id/charges')
  @Produces('ChargeRecorded')
  @ApiZodBody(chargeBody)
  charge(@Param('id', id) stayId: string, @Body(new ZodValidationPipe(chargeBody)) body: z.infer<typeof chargeBody>): Promise<CommandResult> {
    return handleCommand(this.store, stayStream(stayId), guestStayDecider, { kind: 'RecordCharge', chargeId: body.chargeId ?? randomUUID(), amount: body.amount });
  }

  @Post(':id/payments')
  @Produces('PaymentRecorded')
  @ApiZodBody(stayPaymentBody)
  pay(@Param('id', id) stayId: string, @Body(new ZodValidationPipe(stayPaymentBody)) body: z.infer<typeof stayPaymentBody>): Promise<CommandResult> {
    return handleCommand(this.store, stayStream(stayId), guestStayDecider, { kind: 'RecordPayment', paymentId: body.paymentId ?? randomUUID(), amount: body.amount });
  }

  /** 409 while the balance is not zero or the stay is merged into a group (its balance moved there). */
  @Post(':id/checkout')
  @Produces('CheckedOut')
  @ApiZodBody(emptyBody)
  @HttpCode(200)
  checkOut(@Param('id', id) stayId: string, @Body(new ZodValidationPipe(emptyBody)) _body: unknown): Promise<CommandResult> {
    return handleCommand(this.store, stayStream(stayId), guestStayDecider, { kind: 'CheckOut' });
  }

  @Get(':id')
  async get(@Param('id', id) stayId: string, @Query('minPosition') minPosition?: string, @Headers('x-min-position') header?: string) {
    await this.reads.whenApplied('StayView', minPosition ?? header);
    return this.reads.one('stay_view', stayStream(stayId));
  }
}

@ApiTags('group checkouts (hotel)')
@Controller('api/group-checkouts')
export class GroupCheckoutsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly reads: ReadModels,
  ) {}

  /** Selects the stays; the group checkout reactor then merges each one (or records why not). */
  @Post()
  @Produces('StaysSelected')
  @ApiZodBody(startGroupCheckoutBody)
  async start(@Body(new ZodValidationPipe(startGroupCheckoutBody)) body: z.infer<typeof startGroupCheckoutBody>): Promise<{ id: string; position: number }> {
    const groupId = body.id ?? randomUUID();
    const result = await handleCommand(this.store, groupStream(groupId), groupCheckoutDecider, { kind: 'StartGroupCheckout', stayIds: body.stayIds });
    return { id: groupId, position: result.position };
  }

  /** A `paymentId` sent again (a client's retry) is the same event: recorded once. */
  @Post(':id/payments')
  @Produces('GroupPaymentRecorded')
  @ApiZodBody(groupPaymentBody)
  pay(@Param('id', id) groupId: string, @Body(new ZodValidationPipe(groupPaymentBody)) body: z.infer<typeof groupPaymentBody>): Promise<CommandResult> {
    const eventIds = body.paymentId ? [nameBasedUuid(`group-payment\u0000${groupId}\u0000${body.paymentId}`)] : undefined;
    return handleCommand(this.store, groupStream(groupId), groupCheckoutDecider, { kind: 'RecordPayment', amount: body.amount }, { eventIds });
  }

  @Get(':id')
  async get(@Param('id', id) groupId: string, @Query('minPosition') minPosition?: string, @Headers('x-min-position') header?: string) {
    await this.reads.whenApplied('GroupCheckoutView', minPosition ?? header);
    const view = (await this.reads.one('group_checkout_view', groupStream(groupId))) as GroupCheckoutView;
    return { id: view.id, status: view.status, mergedStays: view.mergedStays, failedStayIds: view.failedStayIds, balance: view.balance };
  }
}
