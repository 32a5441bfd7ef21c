import './tracing';
import { bootstrap } from '@projectionist/app-runtime';
import { CoordinatorHost } from '@projectionist/rebuild-coordinator';
import { CoordinatorModule } from './coordinator.module';

void bootstrap('coordinator', (config) => CoordinatorModule.forRoot(config), { messages: (app) => app.get(CoordinatorHost).transport });
