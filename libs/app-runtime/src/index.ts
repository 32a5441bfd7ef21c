export { bootstrap } from './bootstrap';
export type { BootstrapOptions } from './bootstrap';
export { CoreModule } from './core.module';
export type { CoreOptions } from './core.module';
