import { decideTracing } from './tracing-switch';

describe('decideTracing', () => {
  it.each<[string, Record<string, string>, boolean]>([
    ['nothing set: off, the default', {}, false],
    ['an OTLP endpoint: on', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    ['a traces endpoint alone: on', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, true],
    ['an endpoint but the SDK disabled: off', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }, false],
    ['an endpoint but no traces exporter: off', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }, false],
    ['an endpoint and an exporter we do not ship: off', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'zipkin' }, false],
    ['an empty endpoint: off', { OTEL_EXPORTER_OTLP_ENDPOINT: '' }, false],
  ])('given %s', (_case, env, on) => {
    expect(decideTracing(env).on).toBe(on);
  });

  it('says why it is off', () => {
    expect(decideTracing({})).toEqual({ on: false, reason: 'no OTEL_EXPORTER_OTLP_ENDPOINT' });
  });
});
