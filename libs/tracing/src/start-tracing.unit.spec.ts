/**
 * Off costs nothing: without an OTLP endpoint the SDK's module is never loaded (no provider, no
 * span processor, no patched modules) and the span helpers only call through.
 */
describe('startTracing', () => {
  const sdkLoaded = jest.fn();
  const started = jest.fn();
  beforeEach(() => {
    jest.resetModules();
    sdkLoaded.mockReset();
    started.mockReset();
    jest.doMock('./sdk/node-sdk', () => {
      sdkLoaded();
      return { startNodeSdk: started };
    });
  });

  it('off by default: loads no SDK, and spans are not made', async () => {
    const { startTracing, isTracing, inSpan } = await import('./index');
    expect(startTracing('gateway', {})).toEqual({ on: false, reason: 'no OTEL_EXPORTER_OTLP_ENDPOINT' });
    expect(isTracing()).toBe(false);
    expect(sdkLoaded).not.toHaveBeenCalled();
    await expect(inSpan('work', {}, async (span) => span)).resolves.toBeUndefined();
  });

  it('on with an endpoint: starts the SDK once, named after the app unless OTEL_SERVICE_NAME says otherwise', async () => {
    const { startTracing, isTracing } = await import('./index');
    startTracing('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SERVICE_NAME: 'edge' });
    startTracing('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' });
    expect(isTracing()).toBe(true);
    expect(started.mock.calls).toEqual([[{ serviceName: 'edge' }]]);
  });
});
