import type { CarEvent, CustomerEvent } from '@projectionist/domain-events';
import { Decider } from './decider';
import { DomainRejection } from './domain-rejection';

export type CustomerCommand = { readonly kind: 'CreateCustomer'; readonly name: string } | { readonly kind: 'RenameCustomer'; readonly name: string };

export const customerDecider: Decider<{ exists: boolean; name: string | null }, CustomerCommand, CustomerEvent> = {
  initialState: { exists: false, name: null },
  evolve: (state, event) =>
    event.type === 'customer.created' || event.type === 'customer.renamed' ? { exists: true, name: (event.data as CustomerEvent['data']).name } : state,
  decide(command, state) {
    if (command.kind === 'CreateCustomer') {
      if (state.exists) throw new DomainRejection('ALREADY_EXISTS', 'The customer already exists');
      return [{ type: 'customer.created', data: { name: command.name } }];
    }
    if (!state.exists) throw new DomainRejection('NOT_FOUND', 'No such customer');
    return [{ type: 'customer.renamed', data: { name: command.name } }];
  },
};

/** `customerExists` is looked up by the handler before deciding: a sale needs a real buyer. */
export type CarCommand =
  | { readonly kind: 'CreateCar'; readonly by: string; readonly color: string }
  | { readonly kind: 'RepaintCar'; readonly color: string }
  | { readonly kind: 'SellCar'; readonly customerId: string; readonly customerExists: boolean };

export const carDecider: Decider<{ exists: boolean }, CarCommand, CarEvent> = {
  initialState: { exists: false },
  evolve: (state, event) => (event.type === 'car.created' ? { exists: true } : state),
  decide(command, state) {
    if (command.kind === 'CreateCar') {
      if (state.exists) throw new DomainRejection('ALREADY_EXISTS', 'The car already exists');
      return [{ type: 'car.created', data: { by: command.by, color: command.color } }];
    }
    if (!state.exists) throw new DomainRejection('NOT_FOUND', 'No such car');
    if (command.kind === 'RepaintCar') return [{ type: 'car.repainted', data: { color: command.color } }];
    if (!command.customerExists) throw new DomainRejection('NOT_FOUND', `No customer ${command.customerId}`);
    return [{ type: 'car.sold', data: { to: command.customerId } }];
  },
};
