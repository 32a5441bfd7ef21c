import '../../src/tracing';
import { bootstrap } from '@projectionist/app-runtime';
import { ExecutorHost } from '@projectionist/rebuild-coordinator';
import { ProjectorWorkerModule } from '../../src/projector-worker.module';
import { projectionsOf } from '../car-view-builds';

/** The worker as released with CarView version 2 (see car-view-builds.ts); otherwise the same app. */
void bootstrap('projector-worker', (config) => ProjectorWorkerModule.forRoot(config, projectionsOf('car-view-v2')), { messages: (app) => app.get(ExecutorHost).transport });
