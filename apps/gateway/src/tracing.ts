// Imported first by main.ts: the trace SDK (when OTEL_* asks for it) must patch http, express and pg before they load.
import { loadEnvFile } from '@projectionist/config';
import { startTracing } from '@projectionist/tracing';

// .env first, so that OTEL_* set there count too (bootstrap reads it again, which changes nothing).
loadEnvFile();
startTracing('gateway');
