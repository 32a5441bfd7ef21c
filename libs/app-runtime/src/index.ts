export { bootstrap } from './bootstrap';
export type { BootstrapOptions } from './bootstrap';
export { CoreModule } from './core.module';
export { APP_MIGRATIONS } from './migrations/app-migrations';
export type { CoreOptions } from './core.module';
