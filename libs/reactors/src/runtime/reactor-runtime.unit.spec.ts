import { InMemoryEventStore } from '@projectionist/event-store';
import { Reactor } from '../model/reactor';
import { nameBasedUuid, reactionEventId } from '../model/reaction-event-id';
import { ReactorHarness } from '../testing/reactor-harness';

const append = (store: InMemoryEventStore, streamId: string, ...types: string[]) => store.append(streamId, types.map((type) => ({ type, data: {} })));

/** Echoes every `order` event as an `order-done` event on the same stream, and reports the version after it. */
function echoReactor(overrides: Partial<Reactor> = {}): Reactor {
  return {
    name: 'Echo',
    categories: ['order'],
    async handle(streamId, events, context) {
      const source = events[events.length - 1];
      const result = await context.store.append(streamId, [{ id: context.eventId(source, streamId, 0), type: 'Done', data: { handled: events.length } }]);
      return { nextVersion: result.nextExpectedVersion };
    },
    ...overrides,
  };
}

describe('the reactor runtime', () => {
  it('hands each stream its pending events in one call, in stream order, and skips the writes the handler reported', async () => {
    const store = new InMemoryEventStore();
    await append(store, 'order-1', 'Placed', 'Paid');
    await append(store, 'order-2', 'Placed');
    await append(store, 'invoice-1', 'Issued');
    await append(store, 'order-1', 'Shipped');
    const harness = new ReactorHarness(store, echoReactor());
    await harness.runUntilIdle();
    expect(harness.calls.map((c) => [c.streamId, c.events.map((e) => e.type)])).toEqual([
      ['order-1', ['Placed', 'Paid', 'Shipped']],
      ['order-2', ['Placed']],
    ]);
    // Its own `Done` events came back on the feed and were dropped, not handled again.
    expect((await store.readStream('order-1')).map((e) => e.type)).toEqual(['Placed', 'Paid', 'Shipped', 'Done']);
  });

  it('calls the handler again for its own writes when it does not report the next version', async () => {
    const store = new InMemoryEventStore();
    await append(store, 'order-1', 'Placed');
    const once = echoReactor({
      async handle(streamId, events, context) {
        if (events.some((e) => e.type === 'Done')) return;
        await context.store.append(streamId, [{ id: context.eventId(events[0], streamId, 0), type: 'Done', data: {} }]);
      },
    });
    const harness = new ReactorHarness(store, once);
    await harness.runUntilIdle();
    expect(harness.calls.map((c) => c.events.map((e) => e.type))).toEqual([['Placed'], ['Done']]);
  });

  it('never has two calls for one stream in flight, and at most `concurrency` across streams', async () => {
    const store = new InMemoryEventStore();
    for (let i = 0; i < 30; i++) await append(store, `order-${i % 10}`, 'Placed');
    const inFlight = new Set<string>();
    let most = 0;
    const overlaps: string[] = [];
    const slow = echoReactor({
      async handle(streamId) {
        if (inFlight.has(streamId)) overlaps.push(streamId);
        inFlight.add(streamId);
        most = Math.max(most, inFlight.size);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight.delete(streamId);
      },
    });
    const harness = new ReactorHarness(store, slow, { concurrency: 3, pageSize: 7 });
    await harness.runUntilIdle();
    expect(overlaps).toEqual([]);
    expect(most).toBe(3);
    expect(harness.calls.flatMap((c) => c.events).length).toBe(30);
  });

  it('retries a failing call with backoff and parks a poison stream in the dead letters with its error, going on with the others', async () => {
    const store = new InMemoryEventStore();
    await append(store, 'order-bad', 'Placed', 'Paid');
    await append(store, 'order-good', 'Placed');
    await append(store, 'order-flaky', 'Placed');
    let flakyFailures = 0;
    const handled: string[] = [];
    const reactor = echoReactor({
      retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 },
      async handle(streamId) {
        if (streamId === 'order-bad') throw new Error('no such warehouse');
        if (streamId === 'order-flaky' && flakyFailures++ < 2) throw new Error('timeout');
        handled.push(streamId);
      },
    });
    const harness = new ReactorHarness(store, reactor);
    await harness.runUntilIdle();
    expect(handled.sort()).toEqual(['order-flaky', 'order-good']);
    expect(harness.checkpoint.parked.map((p) => [p.event.streamId, p.event.type, p.error, p.attempts])).toEqual([
      ['order-bad', 'Placed', 'no such warehouse', 3],
      ['order-bad', 'Paid', 'no such warehouse', 3],
    ]);
  });

  it('retries a call failing on the database for as long as it takes, without parking its events', async () => {
    const store = new InMemoryEventStore();
    await append(store, 'order-1', 'Placed');
    let failures = 0;
    const reactor = echoReactor({
      retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 2 },
      async handle() {
        if (failures++ < 6) throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
      },
    });
    const harness = new ReactorHarness(store, reactor);
    await harness.runUntilIdle();
    expect(failures).toBe(7);
    expect(harness.checkpoint.parked).toEqual([]);
  });

  it('writes nothing twice when it runs again from an older checkpoint (a crash between its append and its checkpoint)', async () => {
    const store = new InMemoryEventStore();
    await append(store, 'order-1', 'Placed');
    await append(store, 'order-2', 'Placed');
    const notify = echoReactor({
      async handle(streamId, events, context) {
        await context.store.append(`mail-${streamId}`, [{ id: context.eventId(events[0], `mail-${streamId}`, 0), type: 'MailSent', data: { order: streamId } }]);
      },
    });
    await new ReactorHarness(store, notify).runUntilIdle();
    // A fresh harness starts at the beginning of the feed, as after losing the checkpoint.
    const again = new ReactorHarness(store, notify);
    await again.runUntilIdle();
    expect(again.calls.length).toBeGreaterThanOrEqual(2);
    expect((await store.readStream('mail-order-1')).length).toBe(1);
    expect((await store.readStream('mail-order-2')).length).toBe(1);
  });
});

describe('reactionEventId', () => {
  it('is a version 5 UUID, the same for the same reactor, source event, target stream and index, different otherwise', () => {
    const source = '7d0f2a4e-3b1c-4f5e-9a8b-1c2d3e4f5a6b';
    const id = reactionEventId('GroupCheckout', source, 'guest_stay-1', 0);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(reactionEventId('GroupCheckout', source, 'guest_stay-1', 0)).toBe(id);
    expect(reactionEventId('GroupCheckout', source, 'guest_stay-1', 1)).not.toBe(id);
    expect(reactionEventId('GroupCheckout', source, 'group_checkout-1', 0)).not.toBe(id);
    expect(reactionEventId('Other', source, 'guest_stay-1', 0)).not.toBe(id);
  });

  it('matches the RFC 4122 version 5 test vector (DNS namespace, "www.example.com")', () => {
    const dns = Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex');
    expect(nameBasedUuid('www.example.com', dns)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
});
