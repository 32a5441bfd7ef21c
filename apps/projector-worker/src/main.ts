import './tracing';
import { bootstrap } from '@projectionist/app-runtime';
import { ExecutorHost } from '@projectionist/rebuild-coordinator';
import { ProjectorWorkerModule } from './projector-worker.module';

void bootstrap('projector-worker', (config) => ProjectorWorkerModule.forRoot(config), { messages: (app) => app.get(ExecutorHost).transport });
