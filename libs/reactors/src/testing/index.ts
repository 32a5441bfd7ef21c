export { InMemoryReactorCheckpoint, ReactorHarness } from './reactor-harness';
export type { ReactorHarnessOptions } from './reactor-harness';
