import { trace } from '@opentelemetry/api';
import { startInMemoryTracing, InMemoryTracing } from '../testing';
import { inSpan, outsideTrace } from '../spans';
import { linkFromMetadata, traceMetadataOf } from './trace-metadata';
import { traceHeaders, withHeadersContext } from './message-headers';

describe('trace context in metadata and headers', () => {
  it('reads no link from events written without tracing, or with a malformed traceparent', () => {
    expect(linkFromMetadata({})).toBeUndefined();
    expect(linkFromMetadata(undefined)).toBeUndefined();
    expect(linkFromMetadata({ traceparent: 'not-a-traceparent' })).toBeUndefined();
    expect(linkFromMetadata({ traceparent: `00-${'0'.repeat(32)}-${'1'.repeat(16)}-01` })).toBeUndefined();
  });

  it('gives no headers and runs a handler as it is when not tracing', () => {
    expect(traceHeaders()).toEqual({});
    expect(withHeadersContext({ traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` }, () => trace.getActiveSpan())).toBeUndefined();
  });

  describe('while tracing', () => {
    let tracing: InMemoryTracing;
    beforeEach(() => {
      tracing = startInMemoryTracing();
    });
    afterEach(() => tracing.stop());

    it('writes the span into metadata and reads it back as a link to that span', async () => {
      const metadata = await inSpan('append', {}, async (span) => traceMetadataOf(span!.spanContext()));
      const [append] = tracing.exporter.getFinishedSpans();
      expect(metadata).toEqual({ traceparent: `00-${append.spanContext().traceId}-${append.spanContext().spanId}-01`, correlationId: append.spanContext().traceId });
      expect(linkFromMetadata({ ...metadata })?.context).toMatchObject({ traceId: append.spanContext().traceId, spanId: append.spanContext().spanId });
    });

    it('carries the context through message headers, Buffers included, so the receiver continues the trace', async () => {
      const headers = await inSpan('publish', {}, async () => traceHeaders());
      const [publish] = tracing.exporter.getFinishedSpans();
      expect(headers.traceparent).toContain(publish.spanContext().spanId);
      await withHeadersContext({ traceparent: Buffer.from(headers.traceparent) }, () => inSpan('process', {}, async () => undefined));
      const processSpan = tracing.exporter.getFinishedSpans()[1];
      expect(processSpan.spanContext().traceId).toBe(publish.spanContext().traceId);
      expect(processSpan.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
    });

    it('starts a loop outside the trace it was started from', async () => {
      const [inside, outside] = await inSpan('handler', {}, async () => [trace.getActiveSpan(), outsideTrace(() => trace.getActiveSpan())]);
      expect(inside).toBeDefined();
      expect(outside).toBeUndefined();
    });

    it('records a failure on the span and rethrows it', async () => {
      await expect(inSpan('fails', {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      expect(tracing.exporter.getFinishedSpans()[0].status).toMatchObject({ code: 2, message: 'boom' });
    });
  });
});
