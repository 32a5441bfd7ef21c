import { bootstrap } from '@projectionist/app-runtime';
import { ProjectorWorkerModule } from './projector-worker.module';

void bootstrap('projector-worker', (config) => ProjectorWorkerModule.forRoot(config));
