import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@projectionist/event-store';
import { seededRandom } from '@projectionist/testing';

export interface HistoryAppend {
  readonly streamId: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/**
 * A random but valid history over the three sample domains: projects with issues and commits;
 * customers and cars with repaints, sales before and after the customer exists, resales and
 * renames after sales; guest stays and group checkouts. Same seed, same history.
 */
export function randomHistory({ seed, events, streams }: { seed: number; events: number; streams: number }): HistoryAppend[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const int = (max: number) => Math.floor(random() * max);
  const per = Math.max(1, Math.floor(streams / 5));
  const projects = Array.from({ length: per }, (_, i) => `project-${seed}-${i}`);
  const customers = Array.from({ length: per }, (_, i) => `c${seed}x${i}`);
  const cars = Array.from({ length: per }, (_, i) => `car-${seed}-${i}`);
  const stays = Array.from({ length: per }, (_, i) => `guest_stay-${seed}-${i}`);
  const groups = Array.from({ length: Math.max(1, streams - 4 * per) }, (_, i) => `group_checkout-${seed}-${i}`);
  const started = new Set<string>();
  const openIssues = new Map<string, string[]>();
  const history: HistoryAppend[] = [];
  const add = (streamId: string, type: string, data: Record<string, unknown>) => history.push({ streamId, type, data });

  while (history.length < events) {
    const roll = random();
    if (roll < 0.35) {
      const project = pick(projects);
      if (!started.has(project)) {
        started.add(project);
        add(project, 'ProjectStarted', { name: `Project ${project}`, organization: `org-${int(5)}` });
        continue;
      }
      const open = openIssues.get(project) ?? [];
      const r = random();
      if (r < 0.5) add(project, 'CommitPushed', { userName: `user-${int(8)}`, additions: int(200), deletions: int(50) });
      else if (r < 0.75 || open.length === 0) {
        const issueId = `i-${history.length}`;
        openIssues.set(project, [...open, issueId]);
        add(project, 'IssueCreated', { issueId, title: `Issue ${issueId}` });
      } else {
        const issueId = open[int(open.length)];
        add(project, 'IssueClosed', { issueId });
        if (random() < 0.3) add(project, 'IssueReopened', { issueId });
        else openIssues.set(project, open.filter((i) => i !== issueId));
      }
    } else if (roll < 0.7) {
      const r = random();
      const customer = pick(customers);
      if (r < 0.25) add(`customer-${customer}`, 'customer.created', { name: `Name ${int(1000)}` });
      else if (r < 0.45) add(`customer-${customer}`, 'customer.renamed', { name: `Renamed ${int(1000)}` });
      else if (r < 0.65) add(pick(cars), 'car.created', { by: `dealer-${int(4)}`, color: pick(['red', 'blue', 'black']) });
      else if (r < 0.8) add(pick(cars), 'car.repainted', { color: pick(['green', 'white', 'silver']) });
      else add(pick(cars), 'car.sold', { to: customer });
    } else if (roll < 0.9) {
      const stay = pick(stays);
      const r = random();
      if (r < 0.2) add(stay, 'CheckedIn', {});
      else if (r < 0.6) add(stay, 'ChargeRecorded', { chargeId: `ch-${history.length}`, amount: 1 + int(300) });
      else if (r < 0.85) add(stay, 'PaymentRecorded', { paymentId: `pa-${history.length}`, amount: 1 + int(300) });
      else if (r < 0.95) add(stay, 'CheckedOut', {});
      else add(stay, 'MergedToGroup', { groupId: pick(groups) });
    } else {
      const group = pick(groups);
      const r = random();
      const some = [pick(stays), pick(stays)].map((s) => s);
      if (r < 0.3) add(group, 'StaysSelected', { stayIds: some });
      else if (r < 0.55) add(group, 'StaysMerged', { stays: some.map((stayId) => ({ stayId, residual: int(100) })) });
      else if (r < 0.7) add(group, 'MergesFailed', { stayIds: some });
      else if (r < 0.9) add(group, 'GroupPaymentRecorded', { amount: 1 + int(500) });
      else add(group, 'Confirmed', {});
    }
  }
  return history.slice(0, events);
}

/** The history as recorded events (positions and versions as a store would assign them), for pure tests. */
export function toRecordedEvents(history: readonly HistoryAppend[]): RecordedEvent[] {
  const versions = new Map<string, number>();
  return history.map((append, i) => {
    const version = (versions.get(append.streamId) ?? 0) + 1;
    versions.set(append.streamId, version);
    return {
      id: randomUUID(),
      streamId: append.streamId,
      streamVersion: version,
      position: i + 1,
      transactionId: i + 1,
      category: append.streamId.slice(0, Math.max(0, append.streamId.indexOf('-'))) || append.streamId,
      type: append.type,
      data: append.data,
      metadata: {},
      createdAt: new Date(1_700_000_000_000 + i),
    };
  });
}
