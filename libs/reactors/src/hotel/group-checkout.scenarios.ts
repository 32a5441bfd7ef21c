import { groupBalance, groupCheckoutDecider, groupStatus, guestStayDecider, handleCommand } from '@projectionist/domain-commands';
import type { EventStore } from '@projectionist/event-store';
import { ReactorHarness } from '../testing/reactor-harness';
import { groupCheckoutReactor } from './group-checkout.reactor';

type Store = Pick<EventStore, 'readAll' | 'readStream' | 'append' | 'readHead'>;

/**
 * The seed's group checkout cases, run against any event store: the in-memory one (deterministic,
 * fast) and PostgreSQL. Each case uses its own ids, so one store serves them all.
 */
export function describeGroupCheckoutScenarios(label: string, setup: () => Promise<{ store: Store; close(): Promise<void> }>): void {
  describe(`group checkout (${label})`, () => {
    let store: Store;
    let close: () => Promise<void>;
    let run = 0;
    beforeAll(async () => ({ store, close } = await setup()));
    afterAll(() => close());

    const id = (name: string) => `${name}-${run}`;
    const checkIn = async (stayId: string, charges: number[] = [], payments: number[] = []) => {
      await handleCommand(store, `guest_stay-${stayId}`, guestStayDecider, { kind: 'CheckIn' });
      for (const [i, amount] of charges.entries()) await handleCommand(store, `guest_stay-${stayId}`, guestStayDecider, { kind: 'RecordCharge', chargeId: `c${i}`, amount });
      for (const [i, amount] of payments.entries()) await handleCommand(store, `guest_stay-${stayId}`, guestStayDecider, { kind: 'RecordPayment', paymentId: `p${i}`, amount });
    };
    const checkOut = (stayId: string) => handleCommand(store, `guest_stay-${stayId}`, guestStayDecider, { kind: 'CheckOut' });
    const startGroup = (groupId: string, stayIds: string[]) => handleCommand(store, `group_checkout-${groupId}`, groupCheckoutDecider, { kind: 'StartGroupCheckout', stayIds });
    const payGroup = (groupId: string, amount: number) => handleCommand(store, `group_checkout-${groupId}`, groupCheckoutDecider, { kind: 'RecordPayment', amount });
    const group = async (groupId: string) => {
      const history = await store.readStream(`group_checkout-${groupId}`);
      const state = history.reduce(groupCheckoutDecider.evolve, groupCheckoutDecider.initialState);
      return { status: groupStatus(state), merged: Object.fromEntries(state.merged), failed: [...state.failed], balance: groupBalance(state), types: history.map((e) => e.type) };
    };
    const stay = async (stayId: string) => (await store.readStream(`guest_stay-${stayId}`)).reduce(guestStayDecider.evolve, guestStayDecider.initialState);
    let harness: ReactorHarness;
    const react = () => harness.runUntilIdle();
    beforeEach(async () => {
      run++;
      harness = new ReactorHarness(store, groupCheckoutReactor);
      // Starts where the feed is: earlier cases' events are theirs.
      harness.checkpoint.cursor = (await store.readHead()).lastCursor;
    });

    it('merges every stay, records each residual and waits for the payment', async () => {
      const [a, b, c, g] = [id('a'), id('b'), id('c'), id('g')];
      await checkIn(a, [100, 20]);
      await checkIn(b, [50], [10]);
      await checkIn(c);
      await startGroup(g, [a, b, c]);
      await react();
      expect(await group(g)).toEqual({ status: 'ready', merged: { [a]: 120, [b]: 40, [c]: 0 }, failed: [], balance: 160, types: ['StaysSelected', 'StaysMerged'] });
      for (const s of [a, b, c]) expect(await stay(s)).toMatchObject({ status: 'merged', groupId: g });
      // One call: the reactor's own StaysMerged came back on the feed and was skipped.
      expect(harness.calls.map((call) => call.events.map((e) => e.type))).toEqual([['StaysSelected']]);
    });

    it('fails the stays already checked out, merged into another group or unknown, and merges the rest', async () => {
      const [open, out, elsewhere, g1, g2] = [id('open'), id('out'), id('elsewhere'), id('g1'), id('g2')];
      await checkIn(open, [30]);
      await checkIn(out, [10], [10]);
      await checkOut(out);
      await checkIn(elsewhere, [5]);
      await startGroup(g1, [elsewhere]);
      await react();
      await startGroup(g2, [open, out, elsewhere, id('unknown')]);
      await react();
      expect(await group(g2)).toMatchObject({ status: 'ready', merged: { [open]: 30 }, failed: [out, elsewhere, id('unknown')], balance: 30 });
      expect(await stay(elsewhere)).toMatchObject({ groupId: g1 });
      expect(await stay(out)).toMatchObject({ status: 'checked_out', groupId: null });
    });

    it('takes over an overpaid stay with a negative residual', async () => {
      const [paidTooMuch, owing, g] = [id('over'), id('owing'), id('g')];
      await checkIn(paidTooMuch, [40], [55]);
      await checkIn(owing, [100]);
      await startGroup(g, [paidTooMuch, owing]);
      await react();
      expect(await group(g)).toMatchObject({ merged: { [paidTooMuch]: -15, [owing]: 100 }, balance: 85, status: 'ready' });
    });

    it('is paid in parts and confirmed once the balance is paid, not before', async () => {
      const [a, b, g] = [id('a'), id('b'), id('g')];
      await checkIn(a, [70]);
      await checkIn(b, [30]);
      await startGroup(g, [a, b]);
      await payGroup(g, 40);
      await react();
      expect(await group(g)).toMatchObject({ status: 'ready', balance: 60 });
      await payGroup(g, 35);
      await react();
      expect(await group(g)).toMatchObject({ status: 'ready', balance: 25 });
      await payGroup(g, 25);
      await react();
      expect(await group(g)).toMatchObject({ status: 'confirmed', balance: 0, types: ['StaysSelected', 'GroupPaymentRecorded', 'StaysMerged', 'GroupPaymentRecorded', 'GroupPaymentRecorded', 'Confirmed'] });
    });

    it('confirms at once a group whose residuals need no payment, and a group paid in full while it merged', async () => {
      const [settled, g1, owing, g2] = [id('settled'), id('g1'), id('owing'), id('g2')];
      await checkIn(settled, [10], [10]);
      await startGroup(g1, [settled]);
      await checkIn(owing, [80]);
      await startGroup(g2, [owing]);
      await payGroup(g2, 80);
      await react();
      expect(await group(g1)).toMatchObject({ status: 'confirmed', types: ['StaysSelected', 'StaysMerged', 'Confirmed'] });
      expect(await group(g2)).toMatchObject({ status: 'confirmed', balance: 0 });
    });

    it('gives a stay two groups selected to exactly one of them', async () => {
      const [s, g1, g2] = [id('s'), id('g1'), id('g2')];
      await checkIn(s, [10]);
      await Promise.all([startGroup(g1, [s]), startGroup(g2, [s])]);
      await react();
      const outcomes = [await group(g1), await group(g2)];
      expect(outcomes.map((o) => Object.keys(o.merged).length).sort()).toEqual([0, 1]);
      expect(outcomes.map((o) => o.failed.length).sort()).toEqual([0, 1]);
      expect((await store.readStream(`guest_stay-${s}`)).filter((e) => e.type === 'MergedToGroup')).toHaveLength(1);
    });

    it('writes nothing twice when it handles the same events again (a crash before its checkpoint)', async () => {
      const [a, b, g] = [id('a'), id('b'), id('g')];
      await checkIn(a, [10]);
      await checkIn(b, [20]);
      const from = (await store.readHead()).lastCursor;
      await startGroup(g, [a, b]);
      await react();
      harness = new ReactorHarness(store, groupCheckoutReactor);
      harness.checkpoint.cursor = from;
      await react();
      expect((await group(g)).types).toEqual(['StaysSelected', 'StaysMerged']);
      for (const s of [a, b]) expect((await store.readStream(`guest_stay-${s}`)).filter((e) => e.type === 'MergedToGroup')).toHaveLength(1);
    });

    it('merges a stay once when the answer to its append was lost and the call is retried', async () => {
      const [a, b, g] = [id('a'), id('b'), id('g')];
      await checkIn(a, [10]);
      await checkIn(b, [20]);
      const from = (await store.readHead()).lastCursor;
      await startGroup(g, [a, b]);
      let appends = 0;
      const losesFirstAnswer: Store = {
        readAll: (options) => store.readAll(options),
        readHead: () => store.readHead(),
        readStream: (streamId, fromVersion) => store.readStream(streamId, fromVersion),
        async append(streamId, events, options) {
          const result = await store.append(streamId, events, options);
          if (streamId.startsWith('guest_stay-') && appends++ === 0) throw new Error('connection lost after commit');
          return result;
        },
      };
      harness = new ReactorHarness(losesFirstAnswer, { ...groupCheckoutReactor, retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 } });
      harness.checkpoint.cursor = from;
      await react();
      expect(harness.calls).toHaveLength(2);
      expect(await group(g)).toMatchObject({ merged: { [a]: 10, [b]: 20 }, types: ['StaysSelected', 'StaysMerged'] });
      for (const s of [a, b]) expect((await store.readStream(`guest_stay-${s}`)).filter((e) => e.type === 'MergedToGroup')).toHaveLength(1);
    });
  });
}
