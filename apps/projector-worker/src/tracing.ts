// Imported first by main.ts: the trace SDK (when OTEL_* asks for it) must patch http, express and pg before they load.
import { startTracing } from '@projectionist/tracing';

startTracing('projector-worker');
