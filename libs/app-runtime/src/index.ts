export { bootstrap } from './bootstrap';
export type { BootstrapOptions } from './bootstrap';
export { CoreModule } from './core.module';
export { APP_MIGRATIONS } from './migrations/app-migrations';
export { runMigrateCommand } from './migrations/migrate-command';
export type { CoreOptions } from './core.module';
