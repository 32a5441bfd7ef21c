import { Reactor } from '../model/reactor';
import { groupCheckoutReactor } from './group-checkout.reactor';

/** The reactors a projector-worker runs (and the admin API reports on). */
export const sampleReactors: readonly Reactor[] = [groupCheckoutReactor];
