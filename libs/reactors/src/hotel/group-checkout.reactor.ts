import type { GroupCheckoutEvent, StaysSelected } from '@projectionist/domain-events';
import { DomainRejection, groupCheckoutDecider, GroupCheckoutState, guestStayDecider, nextAction } from '@projectionist/domain-commands';
import { RecordedEvent, StreamVersionConflictError } from '@projectionist/event-store';
import { Reactor, ReactionContext, ReactionResult } from '../model/reactor';
import { forEachBounded } from '../runtime/stream-skips';

export const GROUP_CHECKOUT_REACTOR = 'GroupCheckout';
/** Stays visited at once within one group's call. */
const STAY_CONCURRENCY = 10;
/** A concurrent write to the stream it appends to (a clerk's payment, another group) makes it decide again. */
const CONFLICT_RETRIES = 20;

type MergeOutcome = { readonly stayId: string; readonly residual: number } | { readonly stayId: string; readonly failed: true };

/** Where a stay was selected: its MergedToGroup event's id derives from this event. */
interface Selection {
  readonly eventId: string;
}

/**
 * The group checkout process (seed: Propulsion's hotel example). For a group checkout stream with
 * pending events it loads the group's whole state and acts on `nextAction`: visits each stay not
 * yet merged or failed, merging it under optimistic concurrency (so of two groups racing for a
 * stay exactly one gets it), records the outcomes on the group (StaysMerged with each residual,
 * MergesFailed), and confirms the group once every stay is settled and its balance paid. Every
 * event it writes has an id derived from what caused it, and it decides from the streams' state,
 * so a call repeated after a crash writes nothing twice.
 */
export const groupCheckoutReactor: Reactor = {
  name: GROUP_CHECKOUT_REACTOR,
  categories: ['group_checkout'],
  async handle(streamId, _events, context): Promise<ReactionResult> {
    const groupId = streamId.slice(streamId.indexOf('-') + 1);
    for (let attempt = 0; ; attempt++) {
      const history = await context.store.readStream(streamId);
      if (history.length === 0) return {};
      const state = history.reduce(groupCheckoutDecider.evolve, groupCheckoutDecider.initialState);
      const events = await react(groupId, state, history, context);
      const version = history[history.length - 1].streamVersion;
      if (events.length === 0) return { nextVersion: version };
      const last = history[history.length - 1];
      try {
        const result = await context.store.append(
          streamId,
          events.map((e, i) => ({ id: context.eventId(last, streamId, i), type: e.type, data: e.data, metadata: { causationId: last.id, correlationId: groupId } })),
          { expectedVersion: version },
        );
        return { nextVersion: result.nextExpectedVersion };
      } catch (error) {
        if (!(error instanceof StreamVersionConflictError) || attempt >= CONFLICT_RETRIES) throw error;
      }
    }
  },
};

/** The group events the next action leads to, merging the pending stays on the way. */
async function react(groupId: string, state: GroupCheckoutState, history: readonly RecordedEvent[], context: ReactionContext): Promise<GroupCheckoutEvent[]> {
  const action = nextAction(state);
  if (action.kind === 'none') return [];
  if (action.kind === 'confirm') return groupCheckoutDecider.decide({ kind: 'Confirm' }, state);
  const selections = selectionsOf(history);
  const outcomes: MergeOutcome[] = [];
  await forEachBounded(action.stayIds, STAY_CONCURRENCY, async (stayId) => {
    outcomes.push(await mergeStay(groupId, stayId, selections.get(stayId) as Selection, context));
  });
  // In selection order, whatever order the visits ended in: the same call always writes the same events.
  const order = new Map(action.stayIds.map((id, i) => [id, i]));
  outcomes.sort((a, b) => (order.get(a.stayId) as number) - (order.get(b.stayId) as number));
  const merged = outcomes.flatMap((o) => ('residual' in o ? [{ stayId: o.stayId, residual: o.residual }] : []));
  const failed = outcomes.flatMap((o) => ('failed' in o ? [o.stayId] : []));
  const recorded = groupCheckoutDecider.decide({ kind: 'RecordMerges', merged, failed }, state);
  const after = recorded.reduce(groupCheckoutDecider.evolve, state);
  return nextAction(after).kind === 'confirm' ? [...recorded, ...groupCheckoutDecider.decide({ kind: 'Confirm' }, after)] : recorded;
}

/**
 * Merges one stay into the group, deciding on the stay's own state under optimistic concurrency.
 * Already merged into this group (an earlier call that crashed before recording it): a success,
 * with the residual the stay kept. Checked out, merged elsewhere or unknown: a failure.
 */
async function mergeStay(groupId: string, stayId: string, selection: Selection, context: ReactionContext): Promise<MergeOutcome> {
  const streamId = `guest_stay-${stayId}`;
  for (let attempt = 0; ; attempt++) {
    const history = await context.store.readStream(streamId);
    const stay = history.reduce(guestStayDecider.evolve, guestStayDecider.initialState);
    if (stay.status === 'merged' && stay.groupId === groupId) return { stayId, residual: stay.balance };
    let events;
    try {
      events = guestStayDecider.decide({ kind: 'MergeToGroup', groupId }, stay);
    } catch (error) {
      if (error instanceof DomainRejection) return { stayId, failed: true };
      throw error;
    }
    try {
      await context.store.append(
        streamId,
        events.map((e, i) => ({ id: context.eventId(selection.eventId, streamId, i), type: e.type, data: e.data, metadata: { causationId: selection.eventId, correlationId: groupId } })),
        { expectedVersion: history[history.length - 1].streamVersion },
      );
      return { stayId, residual: stay.balance };
    } catch (error) {
      if (!(error instanceof StreamVersionConflictError) || attempt >= CONFLICT_RETRIES) throw error;
    }
  }
}

function selectionsOf(history: readonly RecordedEvent[]): Map<string, Selection> {
  const selections = new Map<string, Selection>();
  for (const event of history) {
    if (event.type !== 'StaysSelected') continue;
    for (const stayId of (event.data as StaysSelected).stayIds) if (!selections.has(stayId)) selections.set(stayId, { eventId: event.id });
  }
  return selections;
}
