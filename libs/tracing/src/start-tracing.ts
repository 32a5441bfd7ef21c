import { decideTracing, isTracing, markTracingStarted, TracingDecision } from './tracing-switch';

/**
 * Starts the trace SDK for `app` when the environment asks for it. It must run before `http`,
 * `express` and `pg` are first required, since the instrumentations patch them as they load: each
 * app's `main.ts` imports its `tracing.ts`, which calls this, before anything else (a `--require`
 * preload would do the same but could be forgotten in a start command; the import cannot be).
 * Off, the SDK's modules are never loaded.
 */
export function startTracing(app: string, env: Readonly<Record<string, string | undefined>> = process.env): TracingDecision {
  const decision = decideTracing(env);
  if (!decision.on || isTracing()) return decision;
  // Loaded here and only here, synchronously, so that an app that does not trace never loads the SDK.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('./sdk/node-sdk') as typeof import('./sdk/node-sdk');
  sdk.startNodeSdk({ serviceName: env.OTEL_SERVICE_NAME || app });
  markTracingStarted();
  return decision;
}
