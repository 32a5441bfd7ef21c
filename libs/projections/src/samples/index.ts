import { Projection } from '../model/projection-definition';
import { activeProjectProjection } from './active-project.projection';
import { carViewProjection } from './car-view.projection';
import { commitsProjection } from './commits.projection';
import { customerViewProjection } from './customer-view.projection';
import { feedOrderCheckProjection } from './feed-order-check.projection';
import { streamSequenceCheckProjection } from './stream-sequence-check.projection';
import { stayViewProjection } from './stay-view.projection';
import { groupCheckoutViewProjection } from './group-checkout-view.projection';

export { activeProjectProjection, carViewProjection, commitsProjection, customerViewProjection, feedOrderCheckProjection, streamSequenceCheckProjection, stayViewProjection, groupCheckoutViewProjection };
export type { StayView } from './stay-view.projection';
export type { GroupCheckoutView } from './group-checkout-view.projection';
export type { FeedOrder } from './feed-order-check.projection';
export type { ActiveProject } from './active-project.projection';
export type { CarDocument, CarViewDocument, CustomerLookup } from './car-view.projection';
export type { CustomerView } from './customer-view.projection';
export type { CommitRow } from './commits.projection';
export { commitEntity } from './commits.projection';

/** The projections a projector-worker runs. */
export const sampleProjections: readonly Projection[] = [
  activeProjectProjection,
  carViewProjection,
  customerViewProjection,
  commitsProjection,
  streamSequenceCheckProjection,
  stayViewProjection,
  groupCheckoutViewProjection,
  feedOrderCheckProjection,
];
