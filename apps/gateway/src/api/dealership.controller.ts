import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { carDecider, CommandResult, customerDecider, handleCommand } from '@projectionist/domain-commands';
import { EVENT_STORE, EventStore } from '@projectionist/event-store';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createCarBody, createCustomerBody, idSchema, renameCustomerBody, repaintCarBody, sellCarBody } from './api-schemas';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiZodBody } from '../docs/api-zod-body.decorator';
import { Produces } from '../write-guard/produces.decorator';
import { ReadModels } from './read-models.service';
import { ZodValidationPipe } from './zod-validation.pipe';

const id = new ZodValidationPipe(idSchema);
/** A create's stream is new unless the client reuses an id: append without reading it first. */
const CREATE = { expectNew: true };
const listQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  minPosition: z.string().optional(),
});

@ApiTags('customers (dealership)')
@Controller('api/customers')
export class CustomersController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly reads: ReadModels,
  ) {}

  @Post()
  @Produces('customer.created')
  @ApiZodBody(createCustomerBody)
  create(@Body(new ZodValidationPipe(createCustomerBody)) body: z.infer<typeof createCustomerBody>): Promise<CommandResult> {
    return handleCommand(this.store, `customer-${body.id ?? randomUUID()}`, customerDecider, { kind: 'CreateCustomer', name: body.name }, CREATE);
  }

  @Post(':id/rename')
  @Produces('customer.renamed')
  @ApiZodBody(renameCustomerBody)
  @HttpCode(200)
  rename(@Param('id', id) customerId: string, @Body(new ZodValidationPipe(renameCustomerBody)) body: z.infer<typeof renameCustomerBody>) {
    return handleCommand(this.store, `customer-${customerId}`, customerDecider, { kind: 'RenameCustomer', name: body.name });
  }

  @Get(':id')
  async get(@Param('id', id) customerId: string, @Query('minPosition') minPosition?: string, @Headers('x-min-position') header?: string) {
    await this.reads.whenApplied('CustomerView', minPosition ?? header);
    return this.reads.one('customer_view', `customer-${customerId}`);
  }
}

@ApiTags('cars (dealership)')
@Controller('api/cars')
export class CarsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly reads: ReadModels,
  ) {}

  @Post()
  @Produces('car.created')
  @ApiZodBody(createCarBody)
  create(@Body(new ZodValidationPipe(createCarBody)) body: z.infer<typeof createCarBody>): Promise<CommandResult> {
    return handleCommand(this.store, `car-${body.id ?? randomUUID()}`, carDecider, { kind: 'CreateCar', by: body.by, color: body.color }, CREATE);
  }

  @Post(':id/repaint')
  @Produces('car.repainted')
  @ApiZodBody(repaintCarBody)
  @HttpCode(200)
  repaint(@Param('id', id) carId: string, @Body(new ZodValidationPipe(repaintCarBody)) body: z.infer<typeof repaintCarBody>) {
    return handleCommand(this.store, `car-${carId}`, carDecider, { kind: 'RepaintCar', color: body.color });
  }

  @Post(':id/sell')
  @Produces('car.sold')
  @ApiZodBody(sellCarBody)
  @HttpCode(200)
  async sell(@Param('id', id) carId: string, @Body(new ZodValidationPipe(sellCarBody)) body: z.infer<typeof sellCarBody>) {
    const customerExists = (await this.store.readStream(`customer-${body.customerId}`)).length > 0;
    return handleCommand(this.store, `car-${carId}`, carDecider, { kind: 'SellCar', customerId: body.customerId, customerExists });
  }

  @Get()
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } })
  @ApiQuery({ name: 'offset', required: false, schema: { type: 'integer', minimum: 0, default: 0 } })
  @ApiQuery({ name: 'minPosition', required: false, schema: { type: 'integer', minimum: 1 } })
  async list(@Query(new ZodValidationPipe(listQuery)) query: z.infer<typeof listQuery>, @Headers('x-min-position') header?: string) {
    await this.reads.whenApplied('CarView', query.minPosition ?? header);
    return this.reads.cars(query.limit, query.offset);
  }

  @Get(':id')
  async get(@Param('id', id) carId: string, @Query('minPosition') minPosition?: string, @Headers('x-min-position') header?: string) {
    await this.reads.whenApplied('CarView', minPosition ?? header);
    return this.reads.one('car_view', `car-${carId}`);
  }
}
