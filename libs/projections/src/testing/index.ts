export { referenceActiveProjects, referenceCarViews, referenceCustomerViews, referenceCommits } from './reference-folds';
export { randomHistory, toRecordedEvents } from './random-history';
export type { HistoryAppend } from './random-history';
