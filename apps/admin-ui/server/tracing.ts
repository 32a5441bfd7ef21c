// Imported first by main.ts: the trace SDK (when OTEL_* asks for it) must patch http before it loads,
// so that a request passed through to the gateway carries its trace.
import { loadEnvFile } from '@projectionist/config';
import { startTracing } from '@projectionist/tracing';

// .env first, so that OTEL_* set there count too (bootstrap reads it again, which changes nothing).
loadEnvFile();
startTracing('admin-ui');
