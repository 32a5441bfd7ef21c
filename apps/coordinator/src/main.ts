import { bootstrap } from '@projectionist/app-runtime';
import { CoordinatorModule } from './coordinator.module';

void bootstrap('coordinator', (config) => CoordinatorModule.forRoot(config));
