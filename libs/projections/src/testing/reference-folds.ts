import type { RecordedEvent } from '@projectionist/event-store';
import type { ActiveProject } from '../samples/active-project.projection';
import type { CarDocument } from '../samples/car-view.projection';
import type { CommitRow } from '../samples/commits.projection';
import type { CustomerView } from '../samples/customer-view.projection';

/*
 * Plain folds over the whole history, written independently of the projections (no routes, no
 * batches, no look-ups): the property and crash tests compare the stored projections with these.
 */

type Data = Record<string, unknown>;
const idPart = (streamId: string) => streamId.slice(streamId.indexOf('-') + 1);

export function referenceActiveProjects(events: readonly RecordedEvent[]): Map<string, ActiveProject> {
  const projects = new Map<string, { name: string; org: string; loc: number; open: number; users: Set<string> }>();
  for (const e of events) {
    if (e.category !== 'project' || !['ProjectStarted', 'IssueCreated', 'IssueClosed', 'IssueReopened', 'CommitPushed'].includes(e.type)) continue;
    const p = projects.get(e.streamId) ?? { name: '', org: '', loc: 0, open: 0, users: new Set<string>() };
    const d = e.data as Data;
    if (e.type === 'ProjectStarted') [p.name, p.org] = [d.name as string, d.organization as string];
    if (e.type === 'IssueCreated' || e.type === 'IssueReopened') p.open++;
    if (e.type === 'IssueClosed') p.open--;
    if (e.type === 'CommitPushed') {
      p.loc += (d.additions as number) - (d.deletions as number);
      p.users.add(d.userName as string);
    }
    projects.set(e.streamId, p);
  }
  return new Map(
    [...projects].map(([id, p]) => [
      id,
      { projectName: p.name, organizationName: p.org, linesOfCode: p.loc, openIssueCount: p.open, contributors: [...p.users].sort() },
    ]),
  );
}

/** Each car's final state; the buyer's name is the customer's name at the end of the history. */
export function referenceCarViews(events: readonly RecordedEvent[]): Map<string, CarDocument> {
  const names = new Map<string, string>();
  const cars = new Map<string, { creator: string | null; color: string | null; customerId: string | null }>();
  for (const e of events) {
    const d = e.data as Data;
    if (e.type === 'customer.created' || e.type === 'customer.renamed') names.set(idPart(e.streamId), d.name as string);
    if (!e.type.startsWith('car.')) continue;
    const car = cars.get(e.streamId) ?? { creator: null, color: null, customerId: null };
    if (e.type === 'car.created') [car.creator, car.color] = [d.by as string, d.color as string];
    if (e.type === 'car.repainted') car.color = d.color as string;
    if (e.type === 'car.sold') car.customerId = d.to as string;
    cars.set(e.streamId, car);
  }
  return new Map(
    [...cars].map(([id, c]) => [
      id,
      {
        docType: 'car' as const,
        carId: idPart(id),
        creator: c.creator,
        color: c.color,
        sold: c.customerId !== null,
        customerId: c.customerId,
        customerName: c.customerId === null ? null : (names.get(c.customerId) ?? null),
      },
    ]),
  );
}

export function referenceCustomerViews(events: readonly RecordedEvent[]): Map<string, CustomerView> {
  const customers = new Map<string, CustomerView>();
  for (const e of events) {
    if (e.type !== 'customer.created' && e.type !== 'customer.renamed') continue;
    const before = customers.get(e.streamId);
    const renamed = (before?.renamedCount ?? 0) + (e.type === 'customer.renamed' ? 1 : 0);
    customers.set(e.streamId, { customerId: idPart(e.streamId), name: (e.data as Data).name as string, renamedCount: renamed });
  }
  return customers;
}

export function referenceCommits(events: readonly RecordedEvent[]): Omit<CommitRow, 'committed_at'>[] {
  return events
    .filter((e) => e.type === 'CommitPushed')
    .map((e) => {
      const d = e.data as Data;
      return {
        event_id: e.id,
        project_id: e.streamId,
        user_name: d.userName as string,
        additions: d.additions as number,
        deletions: d.deletions as number,
        position: e.position,
      };
    })
    .sort((a, b) => a.position - b.position);
}
