export { bootstrap } from './bootstrap';
export { CoreModule } from './core.module';
