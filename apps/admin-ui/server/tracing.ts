// Imported first by main.ts: the trace SDK (when OTEL_* asks for it) must patch http before it loads,
// so that a request passed through to the gateway carries its trace.
import { startTracing } from '@projectionist/tracing';

startTracing('admin-ui');
